import { describe, expect, it } from "vitest";

import {
  INITIAL_WATCHLIST_STATE,
  MISSED_WATCHLIST_STATE,
  UNSUPPORTED_MESSAGE,
  watchlistReducer,
  watchlistView,
  type WatchlistAction,
  type WatchlistState,
} from "@/lib/contacts/watchlist-state";

const run = (...actions: WatchlistAction[]): WatchlistState => actions.reduce(watchlistReducer, INITIAL_WATCHLIST_STATE);

describe("watchlist support detection", () => {
  it("waits after sign-in, then calls silence unsupported", () => {
    const waiting = run({ type: "signed-in" });
    expect(waiting.support).toBe("waiting");
    expect(watchlistView(waiting).kind).toBe("unavailable");

    const silent = watchlistReducer(waiting, { type: "timeout", signin: waiting.signin });
    expect(silent.support).toBe("unsupported");
    expect(watchlistView(silent)).toEqual({ kind: "unavailable", message: UNSUPPORTED_MESSAGE });
  });

  it("is supported once any watchlist event arrives, and then a late timeout changes nothing", () => {
    const state = run({ type: "signed-in" }, { type: "watchlist", name: "offline", userIds: ["b"] });
    expect(state.support).toBe("supported");
    expect(watchlistReducer(state, { type: "timeout", signin: state.signin })).toBe(state);
    expect(watchlistView(state)).toEqual({ kind: "live", online: new Set() });
  });

  it("ignores a timeout armed for an earlier sign-in", () => {
    const first = run({ type: "signed-in" });
    const second = run({ type: "signed-in" }, { type: "disconnected" }, { type: "signed-in" });
    expect(watchlistReducer(second, { type: "timeout", signin: first.signin }).support).toBe("waiting");
  });

  it("tracks online and offline changes", () => {
    const state = run(
      { type: "signed-in" },
      { type: "watchlist", name: "online", userIds: ["a", "b"] },
      { type: "watchlist", name: "offline", userIds: ["c"] },
      { type: "watchlist", name: "offline", userIds: ["a"] },
      { type: "watchlist", name: "something-else", userIds: ["z"] },
    );
    expect(watchlistView(state)).toEqual({ kind: "live", online: new Set(["b"]) });
  });

  it("shows no dots while disconnected, and waits for a fresh state after signing in again", () => {
    const online = run({ type: "signed-in" }, { type: "watchlist", name: "online", userIds: ["a"] });
    const down = watchlistReducer(online, { type: "disconnected" });
    expect(watchlistView(down).kind).toBe("unavailable");
    const back = watchlistReducer(down, { type: "signed-in" });
    expect(back.online.size).toBe(0);
    expect(back.support).toBe("waiting");
    const silent = watchlistReducer(back, { type: "timeout", signin: back.signin });
    expect(silent.support).toBe("unsupported");
  });

  it("does not judge a connection whose sign-in happened before tracking began", () => {
    expect(watchlistReducer(MISSED_WATCHLIST_STATE, { type: "timeout", signin: 0 })).toBe(MISSED_WATCHLIST_STATE);
    expect(watchlistView(MISSED_WATCHLIST_STATE).kind).toBe("unavailable");
    // The next sign-in (a reconnect) starts a normal detection.
    expect(watchlistReducer(MISSED_WATCHLIST_STATE, { type: "signed-in" }).support).toBe("waiting");
  });
});
