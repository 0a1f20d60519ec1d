/**
 * `npm run doctor`: checks the configured Pusher backend from the app's side and says what to
 * change. Reads the environment exactly as the launcher does (.env.local, .env, real variables;
 * scripts/support/app-environment.ts) and validates it with the app's own parseEnv. Exit code 1
 * when any check fails (or the environment is invalid), 0 otherwise, warnings included.
 *
 *   npm run doctor                          # app at NEXTAUTH_URL
 *   npm run doctor -- --app-url http://127.0.0.1:3000
 *   npm run doctor -- --authorized-timeout  # also wait out the authorized-connections timeout
 *   npm run doctor -- --json                # the report as JSON (same exit code)
 */
import { parseArgs } from "node:util";

import { parseEnv, type AppEnv } from "../lib/config/env-schema";
import { formatCheck, formatReport } from "../lib/doctor/report-format";
import { runDoctor } from "../lib/doctor/runner";
import { prepareAppEnvironment } from "./support/app-environment";

const USAGE = "usage: npm run doctor -- [--app-url URL] [--authorized-timeout] [--json]";

function main(): Promise<number> | number {
  let flags;
  try {
    flags = parseArgs({
      options: {
        "app-url": { type: "string" },
        "authorized-timeout": { type: "boolean" },
        json: { type: "boolean" },
        help: { type: "boolean" },
      },
    }).values;
  } catch (error) {
    console.error(`doctor: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (flags.help) {
    console.log(USAGE);
    return 0;
  }

  prepareAppEnvironment(process.env.NODE_ENV === "production" ? "production" : "development", (message) =>
    console.log(`[doctor] ${message}`),
  );
  let env: AppEnv;
  try {
    env = parseEnv(process.env);
  } catch (error) {
    // The app itself would refuse to start with this environment: nothing else is worth checking.
    const [summary, ...lines] = (error as Error).message.split("\n");
    console.log(
      formatCheck({ name: "environment", status: "fail", summary: summary!, fix: lines.map((line) => line.replace(/^\s*- /, "")) }),
    );
    return 1;
  }

  const appUrl = flags["app-url"] ?? env.nextAuthUrl;
  try {
    new URL(appUrl);
  } catch {
    console.error(`doctor: --app-url must be a URL like http://127.0.0.1:3000 (got ${JSON.stringify(appUrl)})`);
    return 2;
  }
  return runDoctor({ env, appUrl, verifyAuthorizedTimeout: flags["authorized-timeout"] ?? false }).then((report) => {
    console.log(flags.json ? JSON.stringify(report, null, 2) : formatReport(report));
    return report.passed ? 0 : 1;
  });
}

void Promise.resolve(main()).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`doctor: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
