import { result } from "../check-context";
import type { CheckResult } from "../doctor-types";

/**
 * The app triggers no client events (`client-*`): every event comes from the server through the
 * HTTP API, so the backend's client-event setting does not matter. Tested nothing, on purpose: a
 * client-event probe would only say something about a feature the app doesn't use.
 */
export function checkClientEvents(): CheckResult {
  return result("client events", "ok", 'not needed: the app sends no client events (hosted: leave "Enable client events" off)');
}
