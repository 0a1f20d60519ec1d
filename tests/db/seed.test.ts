import { afterEach, describe, expect, it } from "vitest";
import { BCRYPT_COST, hashPassword, verifyPassword } from "@/lib/auth/password";
import { DEFAULT_DEMO_PASSWORD, DEMO_ACCOUNTS, demoPasswordFromEnv, seedDemoAccounts } from "@/lib/db/seed";
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
  it("produces salted bcrypt hashes at the documented cost", async () => {
    const a = await hashPassword("correct horse");
    const b = await hashPassword("correct horse");
    expect(a).toMatch(new RegExp(`^\\$2[aby]\\$${String(BCRYPT_COST).padStart(2, "0")}\\$`));
    expect(a).not.toBe(b);
    expect(await verifyPassword("correct horse", a)).toBe(true);
    expect(await verifyPassword("correct horse!", a)).toBe(false);
  });

  it("returns false for a malformed hash instead of throwing", async () => {
    expect(await verifyPassword("x", "not-a-bcrypt-hash")).toBe(false);
    expect(await verifyPassword("x", "")).toBe(false);
  });

  it("refuses passwords bcrypt would truncate, and empty ones", async () => {
    await expect(hashPassword("é".repeat(37))).rejects.toThrow(/at most 72 bytes/);
    await expect(hashPassword("")).rejects.toThrow(/empty/);
    await expect(hashPassword("a".repeat(72))).resolves.toMatch(/^\$2/);
  });
});
