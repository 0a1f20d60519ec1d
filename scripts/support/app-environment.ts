/**
 * The app's environment as its launcher sees it, before parseEnv: `.env.local` and `.env` loaded
 * under the real variables, NODE_ENV defaulted to the mode, and development's defaults (a per-
 * checkout NEXTAUTH_SECRET, NEXTAUTH_URL at Next's own address). Shared by the launcher (`npm run
 * dev` / `npm start`) and the backend doctor (`npm run doctor`), so both read the same settings.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

export type LaunchMode = "development" | "production";

const DEV_SECRET_FILE = join("data", "dev-nextauth-secret");

/** Loads `.env` when present; real environment variables win, as with Next's own loader. */
export function loadDotEnv() {
  for (const file of [".env.local", ".env"]) {
    if (existsSync(file)) process.loadEnvFile(file);
  }
}

/**
 * Development needs a NEXTAUTH_SECRET but a fresh clone has none. Generate one per checkout and keep
 * it in data/ (git-ignored) so sessions survive restarts. Production must set its own.
 */
export function ensureDevelopmentSecret(log: (message: string) => void) {
  if (process.env.NEXTAUTH_SECRET) return;
  if (!existsSync(DEV_SECRET_FILE)) {
    mkdirSync(dirname(DEV_SECRET_FILE), { recursive: true });
    writeFileSync(DEV_SECRET_FILE, randomBytes(32).toString("base64url"), { mode: 0o600 });
    log(`generated a development NEXTAUTH_SECRET in ${DEV_SECRET_FILE}`);
  }
  process.env.NEXTAUTH_SECRET = readFileSync(DEV_SECRET_FILE, "utf8").trim();
}

/** Fills process.env the way the launcher does before validating it with parseEnv. */
export function prepareAppEnvironment(mode: LaunchMode, log: (message: string) => void) {
  loadDotEnv();
  (process.env as Record<string, string | undefined>).NODE_ENV ??= mode;
  if (mode === "development") {
    ensureDevelopmentSecret(log);
    // next-auth reads NEXTAUTH_URL itself (and warns without it); default it to where Next listens.
    // Production must say where it is served (parseEnv refuses an unset URL there).
    process.env.NEXTAUTH_URL ||= `http://localhost:${process.env.PORT || 3000}`;
  }
}
