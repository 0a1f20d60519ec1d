import "server-only";

import { db } from "@/lib/db/client";
import { Prisma } from "@/lib/db/model-types";
import { NOT_ADMIN_MESSAGE } from "@/lib/admin/http";

/** Admins who can act: a banned admin can't sign in, so they don't count as "another admin". */
function activeAdminsWhere(now: Date): Prisma.UserWhereInput {
  return { role: "ADMIN", OR: [{ bannedAt: null }, { banExpiresAt: { not: null, lte: now } }] };
}

export interface AdminRemovalRefusal {
  status: 400 | 403;
  error: string;
}

/** A serialization failure is retried this many times; each retry sees the other side's commit. */
const MAX_ATTEMPTS = 3;

/**
 * Writes `data` to the target user (Remove admin, a ban) only if, against what is committed, the
 * caller is still an active admin and another active admin remains afterwards. Otherwise nothing
 * is written and the refusal says why: 403 when the caller lost the role meanwhile, 400 with
 * `lastAdminMessage` when the change would leave no active admin.
 *
 * Checked outside a transaction, two admins who removed (or banned) each other at the same moment
 * both saw the other one still there and both succeeded, leaving nobody who could administer. The
 * check and the write are one Serializable transaction: PostgreSQL aborts one of two such
 * transactions with a serialization failure, and the retry sees the other's commit; SQLite runs
 * transactions one at a time (lib/db/sqlite-adapter.ts).
 */
export async function updateUnlessLastAdmin(
  callerId: string,
  targetId: string,
  data: Prisma.UserUpdateInput,
  lastAdminMessage: string,
): Promise<AdminRemovalRefusal | null> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await db.$transaction(
        async (tx) => {
          const now = new Date();
          const caller = await tx.user.count({ where: { AND: [{ id: callerId }, activeAdminsWhere(now)] } });
          if (caller === 0) return { status: 403, error: NOT_ADMIN_MESSAGE } as const;
          const others = await tx.user.count({ where: { AND: [activeAdminsWhere(now), { id: { not: targetId } }] } });
          if (others === 0) return { status: 400, error: lastAdminMessage } as const;
          await tx.user.update({ where: { id: targetId }, data });
          return null;
        },
        { isolationLevel: Prisma.TransactionIsolationLevel.Serializable },
      );
    } catch (error) {
      if (!isWriteConflict(error) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}

/** PostgreSQL's serialization failure (40001) or deadlock (40P01). */
function isWriteConflict(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientKnownRequestError) return error.code === "P2034";
  // Inside an interactive transaction the conflict reaches here as the driver adapter's own error,
  // not converted to P2034 (seen on PostgreSQL with Prisma 7.10).
  const adapterError = error as { name?: unknown; cause?: { kind?: unknown } } | null;
  return adapterError?.name === "DriverAdapterError" && adapterError.cause?.kind === "TransactionWriteConflict";
}
