/**
 * isDatabaseUnavailable() on errors thrown by the real clients: PostgreSQL unreachable (P1001),
 * SQLite locked by another connection (better-sqlite3 "database is locked" through the adapter),
 * and errors that are not an outage (a unique violation, a plain bug) which must stay 500s.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";

import { createDatabaseClient } from "@/lib/db/create-client";
import { migrateDatabase } from "@/lib/db/migrate";
import { isDatabaseUnavailable } from "@/lib/db/unavailable";
import { PrismaClient } from "@/lib/generated/prisma/client";

const directory = mkdtempSync(path.join(tmpdir(), "db-unavailable-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const caught = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (error: unknown) => error,
  );

describe("isDatabaseUnavailable", () => {
  it("recognises PostgreSQL that nobody listens for (P1001)", async () => {
    const db = createDatabaseClient("postgresql://postgres@127.0.0.1:1/none");
    const error = await caught(db.user.findFirst());
    expect(error).toMatchObject({ code: "P1001" });
    expect(isDatabaseUnavailable(error)).toBe(true);
    await db.$disconnect();
  });

  it("recognises a SQLite file locked by another connection", async () => {
    const url = `file:${path.join(directory, "locked.db")}`;
    await migrateDatabase(url);
    const holder = new Database(path.join(directory, "locked.db"));
    holder.exec("BEGIN EXCLUSIVE");
    const db = new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: path.join(directory, "locked.db"), timeout: 50 }) });
    const error = await caught(db.user.findFirst());
    expect(String((error as Error).message)).toMatch(/locked|busy/i);
    expect(isDatabaseUnavailable(error)).toBe(true);
    holder.exec("ROLLBACK");
    holder.close();
    expect(await db.user.findFirst()).toBeNull();
    await db.$disconnect();
  });

  it("leaves other errors alone", async () => {
    const url = `file:${path.join(directory, "ok.db")}`;
    await migrateDatabase(url);
    const db = createDatabaseClient(url);
    const user = { name: "Dup", email: "dup@example.com", passwordHash: "x" };
    await db.user.create({ data: user });
    const duplicate = await caught(db.user.create({ data: user }));
    expect(duplicate).toMatchObject({ code: "P2002" });
    expect(isDatabaseUnavailable(duplicate)).toBe(false);
    expect(isDatabaseUnavailable(new TypeError("Cannot read properties of undefined"))).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
    await db.$disconnect();
  });

  it("looks through causes and driver codes", () => {
    expect(isDatabaseUnavailable(new Error("wrapped", { cause: Object.assign(new Error("connect"), { code: "ECONNREFUSED" }) }))).toBe(
      true,
    );
    expect(isDatabaseUnavailable({ meta: { driverAdapterError: { cause: { kind: "postgres", code: "57P01" } } } })).toBe(true);
    expect(isDatabaseUnavailable({ meta: { driverAdapterError: { cause: { kind: "TooManyConnections" } } } })).toBe(true);
    expect(isDatabaseUnavailable({ code: "SQLITE_BUSY_SNAPSHOT" })).toBe(true);
    expect(isDatabaseUnavailable({ code: "SQLITE_CONSTRAINT_UNIQUE" })).toBe(false);
    expect(isDatabaseUnavailable({ code: "23505" })).toBe(false);
  });
});
