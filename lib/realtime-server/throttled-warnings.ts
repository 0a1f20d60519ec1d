/**
 * Warnings about refusals, at most one line per kind and interval: a flood of refused sockets or
 * frames must not turn into a flood of log lines. What was held back is reported as a count, by
 * the next line of that kind or by `flush` (run from the gateway's sweep) once the interval ends.
 */
import type { LogFields, RealtimeLogger } from "./logger";

export const WARNING_INTERVAL_MS = 10_000;

interface KindState {
  message: string;
  lastLoggedAt: number;
  heldBack: number;
}

export class ThrottledWarnings {
  private readonly kinds = new Map<string, KindState>();

  constructor(
    private readonly logger: RealtimeLogger,
    private readonly intervalMs = WARNING_INTERVAL_MS,
  ) {}

  warn(kind: string, message: string, fields: LogFields, now = Date.now()): void {
    const state = this.kinds.get(kind);
    if (state && now - state.lastLoggedAt < this.intervalMs) {
      state.heldBack += 1;
      return;
    }
    this.logger.warn(message, state && state.heldBack > 0 ? { ...fields, heldBackBefore: state.heldBack } : fields);
    this.kinds.set(kind, { message, lastLoggedAt: now, heldBack: 0 });
  }

  flush(now = Date.now()): void {
    for (const [kind, state] of this.kinds) {
      if (now - state.lastLoggedAt < this.intervalMs) continue;
      if (state.heldBack > 0)
        this.logger.warn(`${state.message} (repeated)`, { times: state.heldBack, withinMs: now - state.lastLoggedAt });
      this.kinds.delete(kind);
    }
  }
}
