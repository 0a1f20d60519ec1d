/**
 * What the page may honestly say about contacts' online status, from the watchlist events it
 * received. Pure (no pusher-js, no React), so the rules are unit-tested directly.
 *
 * The protocol sends the watcher the current state of its whole watchlist right after
 * pusher:signin_success, so a signed-in socket that hears nothing within a few seconds is talking
 * to a server without watchlist support (soketi ignores the watchlist; sockudo sends a shape
 * stock pusher-js drops). Showing everyone as offline then would be a lie.
 */

/** How long after pusher:signin_success the initial watchlist state may take to arrive. */
export const WATCHLIST_SNAPSHOT_TIMEOUT_MS = 4_000;

export type WatchlistSupport =
  /** Not signed in yet on this connection. */
  | "idle"
  /** Signed in; waiting for the initial state. */
  | "waiting"
  /** The server sent watchlist events since the current sign-in. */
  | "supported"
  /** Signed in, and no watchlist event came within the timeout. */
  | "unsupported"
  /** Tracking began after this connection signed in, so its initial state was already missed. */
  | "missed";

export interface WatchlistState {
  support: WatchlistSupport;
  /** Contacts reported online since the current sign-in. */
  online: ReadonlySet<string>;
  /** Counts sign-ins, so a timeout armed for an earlier sign-in is ignored. */
  signin: number;
  connected: boolean;
}

export type WatchlistAction =
  | { type: "signed-in" }
  | { type: "watchlist"; name: string; userIds: readonly string[] }
  | { type: "timeout"; signin: number }
  | { type: "disconnected" };

export const INITIAL_WATCHLIST_STATE: WatchlistState = { support: "idle", online: new Set(), signin: 0, connected: false };

/** The state of a tracker that starts on a connection that is already signed in. */
export const MISSED_WATCHLIST_STATE: WatchlistState = { ...INITIAL_WATCHLIST_STATE, support: "missed", connected: true };

export function watchlistReducer(state: WatchlistState, action: WatchlistAction): WatchlistState {
  switch (action.type) {
    case "signed-in":
      // Each sign-in (pusher-js repeats it after every reconnect) brings a fresh full state, so
      // the old one is dropped rather than shown as if it were current.
      return { support: "waiting", online: new Set(), signin: state.signin + 1, connected: true };
    case "watchlist": {
      if (action.name !== "online" && action.name !== "offline") return state;
      const online = new Set(state.online);
      for (const id of action.userIds) {
        if (action.name === "online") online.add(id);
        else online.delete(id);
      }
      return { ...state, support: "supported", online };
    }
    case "timeout":
      return state.support === "waiting" && action.signin === state.signin ? { ...state, support: "unsupported" } : state;
    case "disconnected":
      return { ...state, online: new Set(), connected: false };
  }
}

export type WatchlistView =
  /** Show a dot per contact. */
  | { kind: "live"; online: ReadonlySet<string> }
  /** Show no dots, only this sentence. */
  | { kind: "unavailable"; message: string };

export const UNSUPPORTED_MESSAGE = "Online status isn't available on this realtime server.";

export function watchlistView(state: WatchlistState): WatchlistView {
  if (state.support === "unsupported") return { kind: "unavailable", message: UNSUPPORTED_MESSAGE };
  if (state.support === "missed")
    return { kind: "unavailable", message: "Online status starts with this tab's next connection. Reload the page to see it." };
  if (!state.connected) return { kind: "unavailable", message: "Online status shows while the realtime connection is up." };
  if (state.support === "supported") return { kind: "live", online: state.online };
  return { kind: "unavailable", message: "Checking who is online…" };
}
