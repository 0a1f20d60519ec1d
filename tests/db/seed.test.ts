import { afterEach, describe, expect, it } from "vitest";
import { ARGON2_OPTIONS, MAX_PASSWORD_BYTES, hashPassword, verifyPassword } from "@/lib/auth/password";
import { DEFAULT_DEMO_PASSWORD, DEMO_ACCOUNTS } from "@/lib/db/demo-accounts";
import { demoPasswordFromEnv, seedDemoAccounts } from "@/lib/db/seed";
import { createTestDatabase, type TestDatabase } from "@/tests/support/database";

let t: TestDatabase | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

describe("seedDemoAccounts", () => {
  it("creates admin, alice and bob with the given password on an empty database", async () => {
    t = await createTestDatabase();
    const result = await seedDemoAccounts(t.db, { password: "s3cret-pass" });
    expect(result).toEqual({
      created: true,
      accounts: [
        { email: "admin@example.com", name: "Admin", role: "ADMIN" },
        { email: "alice@example.com", name: "Alice", role: "USER" },
        { email: "bob@example.com", name: "Bob", role: "USER" },
      ],
    });
    const users = await t.db.user.findMany({ orderBy: { email: "asc" } });
    expect(users.map((u) => [u.email, u.name, u.role])).toEqual(DEMO_ACCOUNTS.map((a) => [a.email, a.name, a.role]));
    for (const user of users) {
      expect(await verifyPassword("s3cret-pass", user.passwordHash)).toBe(true);
      expect(await verifyPassword("wrong", user.passwordHash)).toBe(false);
      expect(user.bannedAt).toBeNull();
    }
  });

  it("is a no-op once any user exists", async () => {
    t = await createTestDatabase();
    await seedDemoAccounts(t.db, { password: "first-password" });
    const before = await t.db.user.findMany({ orderBy: { email: "asc" } });
    expect(await seedDemoAccounts(t.db, { password: "other-password" })).toEqual({ created: false, accounts: [] });
    expect(await t.db.user.findMany({ orderBy: { email: "asc" } })).toEqual(before);
  });

  it("never touches a database that has real users", async () => {
    t = await createTestDatabase();
    await t.db.user.create({ data: { email: "someone@example.com", name: "Someone", passwordHash: await hashPassword("x") } });
    expect((await seedDemoAccounts(t.db, { password: "p" })).created).toBe(false);
    expect(await t.db.user.count()).toBe(1);
  });

  it("is what createTestDatabase({ seed: true }) does, with the default password", async () => {
    t = await createTestDatabase({ seed: true });
    const admin = await t.db.user.findUniqueOrThrow({ where: { email: "admin@example.com" } });
    expect(await verifyPassword(DEFAULT_DEMO_PASSWORD, admin.passwordHash)).toBe(true);
  });

  it("reads DEMO_PASSWORD with demo-password as the default", () => {
    expect(demoPasswordFromEnv({})).toBe("demo-password");
    expect(demoPasswordFromEnv({ DEMO_PASSWORD: "" })).toBe("demo-password");
    expect(demoPasswordFromEnv({ DEMO_PASSWORD: "x1" })).toBe("x1");
  });
});

describe("password hashing", () => {
  it("produces salted argon2id hashes with the documented parameters", async () => {
    const a = await hashPassword("correct horse");
    const b = await hashPassword("correct horse");
    const { memoryCost, timeCost, parallelism } = ARGON2_OPTIONS;
    const [, algorithm, version, params] = a.split("$");
    expect([algorithm, version]).toEqual(["argon2id", "v=19"]);
    expect(params!.split(",").sort()).toEqual([`m=${memoryCost}`, `p=${parallelism}`, `t=${timeCost}`]);
    expect(a).not.toBe(b);
    expect(await verifyPassword("correct horse", a)).toBe(true);
    expect(await verifyPassword("correct horse!", a)).toBe(false);
  });

  it("returns false for a malformed hash instead of throwing", async () => {
    expect(await verifyPassword("x", "not-a-bcrypt-hash")).toBe(false);
    expect(await verifyPassword("x", "")).toBe(false);
  });

  it("refuses over-long passwords (bounded hashing cost), and empty ones", async () => {
    await expect(hashPassword("é".repeat(MAX_PASSWORD_BYTES / 2 + 1))).rejects.toThrow(new RegExp(`at most ${MAX_PASSWORD_BYTES} bytes`));
    await expect(hashPassword("")).rejects.toThrow(/empty/);
    await expect(hashPassword("a".repeat(MAX_PASSWORD_BYTES))).resolves.toMatch(/^\$argon2id\$/);
  });
});
