/**
 * The generated clients through both driver adapters against real databases: the same queries
 * must behave the same on SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabaseClient } from "@/lib/db/create-client";
import { sqliteFilePath } from "@/lib/db/database-config";
import { Prisma, Role } from "@/lib/db/model-types";
import {
  createPostgresTestDatabase,
  createSqliteTestDatabase,
  createTestDatabase,
  postgresSkipReason,
  startPostgresServer,
  type PostgresServer,
  type TestDatabase,
} from "@/tests/support/database";

function crudSuite(open: () => Promise<TestDatabase>) {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await open();
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it("creates, reads, updates and deletes across relations", async () => {
    const { db } = t;
    const admin = await db.user.create({ data: { email: "a@example.com", name: "A", role: Role.ADMIN, passwordHash: "x" } });
    const user = await db.user.create({ data: { email: "u@example.com", name: "U", passwordHash: "x" } });
    expect(admin.role).toBe("ADMIN");
    expect(user.role).toBe("USER");
    expect(user.sessionVersion).toBe(0);
    expect(user.createdAt).toBeInstanceOf(Date);

    await db.realtimeConnection.create({ data: { socketId: "1.1", userId: user.id, userAgent: "test" } });
    const sent = await db.message.create({
      data: { recipientId: user.id, senderId: admin.id, event: "note", body: "hello", sentLive: true },
    });
    await db.auditLog.create({ data: { actorId: admin.id, action: "message.send", targetUserId: user.id, summary: "s", result: "ok" } });

    const loaded = await db.user.findUniqueOrThrow({
      where: { email: "u@example.com" },
      include: { connections: true, receivedMessages: { include: { sender: true } } },
    });
    expect(loaded.connections.map((c) => c.socketId)).toEqual(["1.1"]);
    expect(loaded.receivedMessages[0]?.sender?.email).toBe("a@example.com");
    expect(loaded.receivedMessages[0]?.sentLive).toBe(true);

    const bannedAt = new Date("2030-01-02T03:04:05.678Z");
    const banned = await db.user.update({ where: { id: user.id }, data: { bannedAt, sessionVersion: { increment: 1 } } });
    expect(banned.bannedAt?.toISOString()).toBe(bannedAt.toISOString());
    expect(banned.sessionVersion).toBe(1);
    expect(banned.updatedAt.getTime()).toBeGreaterThanOrEqual(user.updatedAt.getTime());

    // onDelete: SetNull for the sender and the audit actor, Cascade for the recipient's rows.
    await db.user.delete({ where: { id: admin.id } });
    expect((await db.message.findUniqueOrThrow({ where: { id: sent.id } })).senderId).toBeNull();
    expect((await db.auditLog.findFirstOrThrow()).actorId).toBeNull();
    await db.user.delete({ where: { id: user.id } });
    expect(await db.message.count()).toBe(0);
    expect(await db.realtimeConnection.count()).toBe(0);
  });

  it("reports unique violations as P2002 with the shared Prisma error class", async () => {
    const { db } = t;
    await db.user.create({ data: { email: "dup@example.com", name: "D", passwordHash: "x" } });
    const error = await db.user.create({ data: { email: "dup@example.com", name: "D2", passwordHash: "x" } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
    expect((error as Prisma.PrismaClientKnownRequestError).code).toBe("P2002");
  });

  it("runs interactive transactions and rolls them back on error", async () => {
    const { db } = t;
    await expect(
      db.$transaction(async (tx) => {
        await tx.user.create({ data: { email: "tx@example.com", name: "T", passwordHash: "x" } });
        throw new Error("abort");
      }),
    ).rejects.toThrow("abort");
    expect(await db.user.findUnique({ where: { email: "tx@example.com" } })).toBeNull();
  });

  it("keeps other statements out of an open transaction: they don't see its rows, and its rollback doesn't undo them", async () => {
    const { db } = t;
    let opened!: () => void;
    const open = new Promise<void>((resolve) => (opened = resolve));
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const transaction = db
      .$transaction(async (tx) => {
        await tx.user.create({ data: { email: "inside@example.com", name: "In", passwordHash: "x" } });
        opened();
        await finished;
        throw new Error("roll back");
      })
      .catch((error: Error) => error.message);
    await open;
    // Another request's statements while the transaction is open. On SQLite's one shared
    // connection they used to run inside it, at once: the read saw the uncommitted row and the
    // rollback undid the write. 200 ms is many times what they took then.
    const seen = db.user.findUnique({ where: { email: "inside@example.com" } });
    const written = db.user.create({ data: { email: "outside@example.com", name: "Out", passwordHash: "x" } });
    await Promise.race([Promise.all([seen, written]), new Promise((resolve) => setTimeout(resolve, 200))]);
    finish();
    expect(await transaction).toBe("roll back");
    expect(await seen).toBeNull();
    await written;
    expect(await db.user.findUnique({ where: { email: "outside@example.com" } })).toMatchObject({ name: "Out" });
    expect(await db.user.findUnique({ where: { email: "inside@example.com" } })).toBeNull();
  });
}

describe("SQLite (better-sqlite3 adapter)", () => {
  crudSuite(() => createTestDatabase());

  it("resolves relative file: URLs against the working directory and creates the folder", async () => {
    const { mkdtempSync, existsSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const path = await import("node:path");
    const dir = mkdtempSync(path.join(tmpdir(), "relative-db-"));
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const db = createDatabaseClient("file:./nested/dir/app.db");
      await db.$queryRawUnsafe("SELECT 1");
      await db.$disconnect();
      expect(existsSync(path.join(dir, "nested/dir/app.db"))).toBe(true);
    } finally {
      process.chdir(cwd);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("runs in WAL mode, so a reader in another connection does not block the app's writes", async () => {
    const { default: Database } = await import("better-sqlite3");
    const { db, url, cleanup } = await createSqliteTestDatabase();
    const reader = new Database(sqliteFilePath(url), { timeout: 100 });
    try {
      expect(await db.$queryRawUnsafe("PRAGMA journal_mode")).toEqual([{ journal_mode: "wal" }]);
      // An open read transaction in another connection: in rollback-journal mode it holds a shared
      // lock, and the app's commit waits out the busy timeout and fails with SQLITE_BUSY.
      reader.prepare("BEGIN").run();
      const countUsers = reader.prepare(`SELECT COUNT(*) AS n FROM "User"`);
      expect(countUsers.get()).toEqual({ n: 0 });
      await db.user.create({ data: { email: "w@example.com", name: "W", passwordHash: "x" } });
      expect(countUsers.get()).toEqual({ n: 0 }); // the reader keeps its snapshot
      reader.prepare("COMMIT").run();
      expect(countUsers.get()).toEqual({ n: 1 });
    } finally {
      reader.close();
      await cleanup();
    }
  });

  it("runs a burst of statements in short turns, so the event loop keeps turning meanwhile", async () => {
    const { db, cleanup } = await createSqliteTestDatabase();
    try {
      await db.user.createMany({
        data: Array.from({ length: 200 }, (_, i) => ({ email: `u${i}@example.com`, name: `U${i}`, passwordHash: "x" })),
      });
      // Each loop iteration runs this once: it counts how often other I/O would have had its turn.
      let iterations = 0;
      let bursting = true;
      const probe = () => {
        iterations += 1;
        if (bursting) setImmediate(probe);
      };
      setImmediate(probe);
      const startedAt = performance.now();
      const results = await Promise.all(Array.from({ length: 400 }, () => db.user.findMany({ take: 100, orderBy: { name: "asc" } })));
      const elapsedMs = performance.now() - startedAt;
      bursting = false;
      expect(results.every((rows) => rows.length === 100)).toBe(true);
      // A turn holds the loop for SQLITE_TURN_MS plus what its statements' callers do next (here
      // Prisma mapping 100 rows each, several times the statement): on average well under 50 ms.
      // Without turns the whole burst ran without a single iteration.
      expect(iterations).toBeGreaterThan(elapsedMs / 50);
    } finally {
      await cleanup();
    }
  });

  it("rejects URLs it cannot serve", () => {
    expect(() => createDatabaseClient("mysql://localhost/db")).toThrow(/Unsupported DATABASE_URL/);
  });
});

const skip = postgresSkipReason();
describe.skipIf(skip)(`PostgreSQL (pg adapter)${skip ? ` — skipped: ${skip}` : ""}`, () => {
  let server: PostgresServer;
  beforeAll(async () => {
    server = await startPostgresServer();
  });
  afterAll(async () => {
    await server?.stop();
  });
  crudSuite(() => createPostgresTestDatabase(server));
});
