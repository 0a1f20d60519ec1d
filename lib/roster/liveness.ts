import type { Prisma } from "@/lib/generated/prisma/client";
import { CONNECTION_GRACE_MS } from "@/lib/roster/constants";

/**
 * The roster's rule: a connection is live once its channel_occupied webhook confirmed it, or while
 * it is still inside the grace window after its first sign-in (the webhook may simply not have
 * arrived yet). signedInAt is never moved by a later sign-in of the same socket, so posting a
 * ghost socket id again can't keep it here. Confirmed rows that went away without a
 * channel_vacated webhook are removed by reconcileRoster().
 */
export function liveConnectionWhere(now: Date = new Date()): Prisma.RealtimeConnectionWhereInput {
  return {
    OR: [{ confirmedAt: { not: null } }, { signedInAt: { gte: new Date(now.getTime() - CONNECTION_GRACE_MS) } }],
  };
}

/** Proven live: Pusher said the connection channel is occupied (webhook or HTTP API). */
export const confirmedConnectionWhere = { confirmedAt: { not: null } } satisfies Prisma.RealtimeConnectionWhereInput;
