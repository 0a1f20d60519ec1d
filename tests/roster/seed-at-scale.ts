/**
 * Thousands of online users for the roster's scale tests, inserted with INSERT … SELECT (createMany
 * takes seconds per few thousand rows on this machine). Dates are copied from template rows that
 * Prisma wrote, so they are stored exactly as the app stores them, on SQLite and on PostgreSQL.
 */
import type { Harness } from "@/tests/support/app-harness";

const postgres = () => process.env.TEST_DATABASE_PROVIDER === "postgresql";

/** The numbers 0 … count-1 as rows of a column `i`. */
export function numbersFrom(count: number): string {
  return postgres()
    ? `generate_series(0, ${count - 1}) AS n(i)`
    : `(WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${count - 1}) SELECT i FROM n)`;
}

/** `value` (an integer expression) as text, zero-padded to `width` digits. */
export function padded(width: number, value: string): string {
  return postgres() ? `lpad((${value})::text, ${width}, '0')` : `printf('%0${width}d', ${value})`;
}

/**
 * `count` users (`u00000`…, named "User 00000"…, user00000@example.com…), each with one confirmed
 * live connection (socket `s.{i}.1`); every tenth user has a second (`s.{i}.2`). Returns the
 * number of connections.
 */
export async function seedOnlineUsers(harness: Harness, count: number, at: Date = new Date()): Promise<number> {
  const template = await harness.db.user.create({
    data: { id: "tmpl-user", name: "tmpl", email: "tmpl@example.com", passwordHash: "x", createdAt: at },
  });
  await harness.db.realtimeConnection.create({
    data: { id: "tmpl-conn", socketId: "tmpl", userId: template.id, signedInAt: at, confirmedAt: at, lastActivityAt: at },
  });
  const userAt = (column: string) => `(SELECT "${column}" FROM "User" WHERE "id" = 'tmpl-user')`;
  const connAt = `(SELECT "signedInAt" FROM "RealtimeConnection" WHERE "id" = 'tmpl-conn')`;
  await harness.db.$executeRawUnsafe(`
    INSERT INTO "User" ("id", "email", "name", "passwordHash", "createdAt", "updatedAt")
    SELECT 'u' || ${padded(5, "i")}, 'user' || ${padded(5, "i")} || '@example.com', 'User ' || ${padded(5, "i")}, 'x', ${userAt("createdAt")}, ${userAt("updatedAt")}
    FROM ${numbersFrom(count)}`);
  const connections = (tab: number, where: string) => `
    INSERT INTO "RealtimeConnection" ("id", "socketId", "userId", "signedInAt", "confirmedAt", "lastActivityAt")
    SELECT 'c' || ${padded(5, "i")} || '.${tab}', 's.' || i || '.${tab}', 'u' || ${padded(5, "i")}, ${connAt}, ${connAt}, ${connAt}
    FROM ${numbersFrom(count)} ${where}`;
  await harness.db.$executeRawUnsafe(connections(1, ""));
  await harness.db.$executeRawUnsafe(connections(2, "WHERE i % 10 = 0"));
  await harness.db.user.delete({ where: { id: template.id } });
  return count + Math.ceil(count / 10);
}
