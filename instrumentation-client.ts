/**
 * Runs in the browser before the app's own modules (Next's instrumentation-client convention).
 *
 * The CSP forbids eval (lib/security/headers.ts). zod 4 probes for it with `Function("")` whenever
 * an object schema is built, to compile faster parsers, and the browser reports every probe as a CSP
 * violation. `jitless` skips the probe; validation is the same, only interpreted. The server keeps
 * zod's default (no CSP applies there).
 */
import { z } from "zod";

z.config({ jitless: true });
