/**
 * `npx tsx scripts/bench/sign-in-statements.ts [--calls 500]`: CPU per tab sign-in's database work,
 * before and after issue 9's statement cuts, in ONE process against one fresh SQLite database
 * (or PostgreSQL with TEST_DATABASE_PROVIDER=postgresql), so the ratio holds on a busy machine.
 *   - recordSignIn, old: updateMany (matches nothing) + create + findMany (trim) = 3 statements
 *   - recordSignIn, new: create + one DELETE … NOT IN (newest 10) = 2 (lib/roster/record-sign-in.ts)
 *   - contacts, old: one 100-row query per sign-in; new: one shared query per 5 s (lib/contacts/contacts.ts)
 * The variants are written out here with the same Prisma calls as the modules (which import
 * `server-only` and the roster notifier), and run in alternating blocks so drift hits both.
 */
import { createTestDatabase } from "../../tests/support/database";

const calls = Number(process.argv[process.argv.indexOf("--calls") + 1]) || 500;
const PENDING = 10;

async function main() {
  const { db, cleanup, provider } = await createTestDatabase();
  try {
    const users = await db.user.createManyAndReturn({
      data: Array.from({ length: 200 }, (_, i) => ({
        name: `User ${String(i).padStart(3, "0")}`,
        email: `u${i}@example.com`,
        passwordHash: "x",
      })),
      select: { id: true },
    });
    let socket = 0;
    const next = () => ({ userId: users[socket % users.length]!.id, socketId: `${Math.floor(socket / 1000)}.${socket++ % 1000}` });

    const oldRecord = async ({ userId, socketId }: { userId: string; socketId: string }) => {
      const now = new Date();
      const { count } = await db.realtimeConnection.updateMany({ where: { socketId, userId }, data: { lastActivityAt: now } });
      if (count > 0) return;
      await db.realtimeConnection.create({ data: { socketId, userId, signedInAt: now, lastActivityAt: now } });
      const excess = await db.realtimeConnection.findMany({
        where: { userId, confirmedAt: null },
        orderBy: [{ signedInAt: "desc" }, { id: "desc" }],
        skip: PENDING,
        select: { id: true },
      });
      if (excess.length > 0)
        await db.realtimeConnection.deleteMany({ where: { id: { in: excess.map((row) => row.id) }, confirmedAt: null } });
    };
    const newRecord = async ({ userId, socketId }: { userId: string; socketId: string }) => {
      const now = new Date();
      await db.realtimeConnection.create({ data: { socketId, userId, signedInAt: now, lastActivityAt: now } });
      await db.$executeRaw`
        DELETE FROM "RealtimeConnection"
        WHERE "userId" = ${userId} AND "confirmedAt" IS NULL AND "id" NOT IN (
          SELECT "id" FROM "RealtimeConnection" WHERE "userId" = ${userId} AND "confirmedAt" IS NULL
          ORDER BY "signedInAt" DESC, "id" DESC LIMIT ${PENDING})`;
    };
    const contactsQuery = (userId: string) =>
      db.user.findMany({
        where: { id: { not: userId } },
        select: { id: true, name: true },
        orderBy: [{ name: "asc" }, { id: "asc" }],
        take: 100,
      });
    let shared: { at: number; users: ReturnType<typeof contactsQuery> } | null = null;
    const cachedContacts = async (userId: string) => {
      if (!shared || Date.now() - shared.at >= 5_000) shared = { at: Date.now(), users: contactsQuery("") };
      return (await shared.users).filter((user) => user.id !== userId).slice(0, 100);
    };

    const variants: Record<string, () => Promise<unknown>> = {
      "recordSignIn, 3 statements (old)": () => oldRecord(next()),
      "recordSignIn, 2 statements (new)": () => newRecord(next()),
      "contacts, a query per sign-in (old)": () => contactsQuery(next().userId),
      "contacts, shared for 5 s (new)": () => cachedContacts(next().userId),
    };
    const cpu: Record<string, number> = Object.fromEntries(Object.keys(variants).map((name) => [name, 0]));
    for (const run of Object.values(variants)) for (let i = 0; i < 50; i++) await run(); // warm-up
    const blocks = 5;
    for (let block = 0; block < blocks; block++) {
      for (const [name, run] of Object.entries(variants)) {
        const start = process.cpuUsage();
        for (let i = 0; i < calls / blocks; i++) await run();
        const used = process.cpuUsage(start);
        cpu[name]! += used.user + used.system;
      }
    }
    console.log(`${provider}, ${calls} calls each, CPU per call of this process (µs):`);
    for (const [name, total] of Object.entries(cpu)) console.log(`  ${name.padEnd(40)} ${(total / calls).toFixed(0)}`);
  } finally {
    await cleanup();
  }
}

void main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
