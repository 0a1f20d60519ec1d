import type { Prisma } from "@/lib/generated/prisma/client";
import { CONNECTION_GRACE_MS } from "@/lib/roster/constants";

/**
 * A connection is live once its channel_occupied webhook confirmed it, or while it is still inside
 * the grace window after sign-in (the webhook may simply not have arrived yet). Confirmed rows that
 * went away without a channel_vacated webhook are removed by reconcileRoster().
 */
export function liveConnectionWhere(now: Date = new Date()): Prisma.RealtimeConnectionWhereInput {
  return {
    OR: [{ confirmedAt: { not: null } }, { signedInAt: { gte: new Date(now.getTime() - CONNECTION_GRACE_MS) } }],
  };
}
