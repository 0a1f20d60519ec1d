import "server-only";

import { parseEnv, type AppEnv } from "@/lib/config/env-schema";
import { lazyObject } from "@/lib/config/lazy-object";

const PHASE_PRODUCTION_BUILD = "phase-production-build";

/**
 * The validated environment, parsed on first use, once per server process. Not at import: `next
 * build` loads every route module without the runtime secrets, and no stand-in value may ever be
 * signed with. A read during the build itself is a bug, and fails the build saying so.
 */
export const env: AppEnv = lazyObject(() => {
  if (process.env.NEXT_PHASE === PHASE_PRODUCTION_BUILD) {
    throw new Error(
      "The app's environment was read during `next build`. It is only available at request time: " +
        "read `env` inside a function, and keep pages that use it dynamic.",
    );
  }
  return parseEnv(process.env);
});
