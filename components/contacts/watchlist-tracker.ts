/**
 * Follows a pusher-js instance's watchlist events (pusher.user.watchlist) and sign-ins, and keeps
 * the WatchlistState for the contacts list. Independent of React so the same code runs in the
 * browser and in Node integration tests.
 *
 * pusher-js 8.6 (src/core/watchlist.ts) turns each `pusher_internal:watchlist_events` frame's
 * `events[]` into one `pusher.user.watchlist` emit per entry, named by the entry's `name`
 * ("online" / "offline") with the entry itself as data: `{ name, user_ids: string[] }`.
 */
import type Pusher from "pusher-js";

import {
  INITIAL_WATCHLIST_STATE,
  MISSED_WATCHLIST_STATE,
  WATCHLIST_SNAPSHOT_TIMEOUT_MS,
  watchlistReducer,
  type WatchlistAction,
  type WatchlistState,
} from "@/lib/contacts/watchlist-state";

export interface WatchlistTracker {
  getState(): WatchlistState;
  /** Calls `listener` on every change; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
  stop(): void;
}

function userIdsOf(data: unknown): string[] {
  const ids = (data as { user_ids?: unknown } | null)?.user_ids;
  return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === "string") : [];
}

export function createWatchlistTracker(pusher: Pusher, { timeoutMs = WATCHLIST_SNAPSHOT_TIMEOUT_MS } = {}): WatchlistTracker {
  // pusher-js sets user_data on pusher:signin_success: if it is already there, the initial state
  // went to nobody and the server will not send it again on this connection.
  let state: WatchlistState = pusher.user.user_data ? MISSED_WATCHLIST_STATE : INITIAL_WATCHLIST_STATE;
  const listeners = new Set<() => void>();
  let timer: ReturnType<typeof setTimeout> | undefined;

  const dispatch = (action: WatchlistAction) => {
    const next = watchlistReducer(state, action);
    if (next === state) return;
    state = next;
    for (const listener of listeners) listener();
  };

  const onSignedIn = () => {
    dispatch({ type: "signed-in" });
    clearTimeout(timer);
    const signin = state.signin;
    timer = setTimeout(() => dispatch({ type: "timeout", signin }), timeoutMs);
  };
  const onOnline = (data: unknown) => dispatch({ type: "watchlist", name: "online", userIds: userIdsOf(data) });
  const onOffline = (data: unknown) => dispatch({ type: "watchlist", name: "offline", userIds: userIdsOf(data) });
  const onStateChange = ({ current }: { current: string }) => {
    if (current !== "connected") {
      clearTimeout(timer);
      dispatch({ type: "disconnected" });
    }
  };

  pusher.bind("pusher:signin_success", onSignedIn);
  pusher.user.watchlist.bind("online", onOnline);
  pusher.user.watchlist.bind("offline", onOffline);
  pusher.connection.bind("state_change", onStateChange);

  return {
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop() {
      clearTimeout(timer);
      listeners.clear();
      pusher.unbind("pusher:signin_success", onSignedIn);
      pusher.user.watchlist.unbind("online", onOnline);
      pusher.user.watchlist.unbind("offline", onOffline);
      pusher.connection.unbind("state_change", onStateChange);
    },
  };
}

// One tracker per pusher-js instance, kept across mounts: the (app) layout unmounts when the user
// visits the admin pages, and a tracker recreated on return would have missed the initial state.
const trackers = new WeakMap<Pusher, WatchlistTracker>();

export function watchlistTrackerFor(pusher: Pusher): WatchlistTracker {
  let tracker = trackers.get(pusher);
  if (!tracker) {
    tracker = createWatchlistTracker(pusher);
    trackers.set(pusher, tracker);
  }
  return tracker;
}
