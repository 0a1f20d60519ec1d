import "server-only";

import { env } from "@/lib/env";
import { UserEvents } from "@/lib/pusher/channel-names";
import { pusherServer } from "@/lib/pusher/server";
import { describeError } from "@/lib/errors/describe-error";
import { fetchOccupiedSocketIds } from "@/lib/roster/reconcile";

/*
 * terminate_connections only closes sockets signed in *now*. After a revocation two kinds of socket
 * opened under the old session can still be open, unsigned, holding a user-auth answer fetched
 * before it:
 *
 * 1. one that simply waits. The backend's authorized-connections timeout
 *    (PUSHER_AUTHORIZED_CONNECTIONS_TIMEOUT_MS) closes it unless it signs in first; if it signs in
 *    late, the second terminate, once that window has passed, closes it.
 * 2. one that also joined its private-connection channel before the revocation. Hosted Pusher and
 *    soketi count a private subscription as "authorized", so the timeout never closes it, and it
 *    may sign in at any later time. The embedded server started by the app closes it anyway (it
 *    requires a sign-in, see docs/security.md). For the other backends the app watches: while such
 *    a socket's connection channel stays occupied, the user's connections are terminated again
 *    every window, so a late sign-in is cut off within one window.
 *
 * In-process timers: an instance that stops meanwhile skips them (docs/security.md says so).
 */

/** Slack after the backend's authorized-connections timeout, for timers and clocks. */
export const SECOND_TERMINATE_MARGIN_MS = 2_000;
/** A lingering socket is watched this long at most (it can be kept alive by pings forever). */
const MAX_WATCH_MS = 24 * 60 * 60 * 1000;
/** Users watched at once per process; a revocation storm must not become a timer storm. */
const MAX_WATCHED_USERS = 1_000;

const watched = new Set<string>();

function windowMs(): number {
  return env.authorizedConnectionsTimeoutMs + SECOND_TERMINATE_MARGIN_MS;
}

async function terminateAgain(userId: string): Promise<void> {
  try {
    // Announced first, so the tabs of the user's new session (if they signed in again meanwhile)
    // reconnect instead of showing "disconnected by an administrator". A socket of the revoked
    // session can't get back in whatever it does: user-auth refuses the old session.
    await pusherServer.sendToUser(userId, UserEvents.revocationRecheck, {}).catch((error: unknown) => {
      console.warn(`[revocation] could not announce the re-check to ${userId}'s new tabs:`, describeError(error));
    });
    await pusherServer.terminateUserConnections(userId);
  } catch (error) {
    console.warn(`[revocation] terminate again for ${userId} failed:`, describeError(error));
  }
}

/**
 * Call after the first terminate of a revocation, with the socket ids the user had on the roster
 * (the sockets that fetched a user-auth answer under the revoked session).
 */
export function guardAgainstLateSignIn(userId: string, revokedSocketIds: string[]): void {
  if (watched.has(userId) || watched.size >= MAX_WATCHED_USERS) return;
  watched.add(userId);
  const startedAt = Date.now();
  const step = async () => {
    await terminateAgain(userId);
    let lingering: string[] = [];
    if (revokedSocketIds.length > 0 && Date.now() - startedAt < MAX_WATCH_MS) {
      try {
        const occupied = await fetchOccupiedSocketIds();
        lingering = revokedSocketIds.filter((socketId) => occupied.has(socketId));
      } catch (error) {
        console.warn(`[revocation] could not check ${userId}'s revoked sockets:`, describeError(error));
      }
    }
    if (lingering.length === 0) {
      watched.delete(userId);
      return;
    }
    console.warn(
      `[revocation] ${lingering.length} socket(s) opened under ${userId}'s revoked session are still connected without signing in; their connections are terminated again every ${windowMs()} ms while they stay`,
    );
    schedule();
  };
  const schedule = () => {
    const timer = setTimeout(() => void step(), windowMs());
    timer.unref?.();
  };
  schedule();
}
