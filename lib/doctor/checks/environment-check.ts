import type { AppEnv } from "../../config/env-schema";
import { EMBEDDED_DEMO_CREDENTIALS } from "../../config/env-schema";
import { result } from "../check-context";
import type { CheckResult } from "../doctor-types";

/**
 * The environment itself already passed parseEnv (the app's own rules). What is left: the public
 * demo credentials anywhere but development, where anyone who reads the README can sign tokens.
 */
export function checkEnvironment(env: AppEnv): CheckResult {
  const { appId, key, secret } = env.pusher;
  const demo = [
    appId === EMBEDDED_DEMO_CREDENTIALS.appId && "PUSHER_APP_ID",
    key === EMBEDDED_DEMO_CREDENTIALS.key && "PUSHER_KEY",
    secret === EMBEDDED_DEMO_CREDENTIALS.secret && "PUSHER_SECRET",
  ].filter((name): name is string => Boolean(name));
  const described = `NODE_ENV=${env.nodeEnv}, ${env.pusher.kind} backend`;
  if (demo.length > 0 && env.nodeEnv !== "development") {
    return result(
      "environment",
      "warn",
      `${described}, with the public demo value of ${demo.join(", ")}: anyone can sign user tokens for this app`,
      [`set ${demo.join(", ")} to your backend app's own credentials`],
    );
  }
  return result("environment", "ok", demo.length > 0 ? `${described} (demo credentials: fine in development only)` : described);
}
