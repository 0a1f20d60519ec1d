import { createHmac } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { APP, createUser, formRequest, sessionCookie, startHarness, type Harness } from "@/tests/support/app-harness";

let harness: Harness;
let handleUserAuth: typeof import("@/lib/pusher/sign-user-auth").handleUserAuth;
let listContacts: typeof import("@/lib/contacts/contacts").listContacts;

beforeAll(async () => {
  harness = await startHarness({ webhooks: false });
  ({ handleUserAuth } = await import("@/lib/pusher/sign-user-auth"));
  ({ listContacts } = await import("@/lib/contacts/contacts"));
});

afterAll(async () => {
  const { flushActivity } = await import("@/lib/inspector/publish");
  await flushActivity();
  await harness?.close();
});

describe("the watchlist in user_data", () => {
  it("watches the first 100 other users by name, signed byte-for-byte", async () => {
    // Names chosen so that id order and insertion order both disagree with name order.
    await harness.db.user.createMany({
      data: Array.from({ length: 150 }, (_, i) => ({
        name: `Contact ${String((i * 37) % 150).padStart(3, "0")}`,
        email: `contact.${i}@example.com`,
        passwordHash: "not-a-real-hash",
      })),
    });
    const me = await createUser(harness, { name: "Contact 050" });

    const response = await handleUserAuth(formRequest("/pusher/user-auth", { socket_id: "77.1" }, { cookie: await sessionCookie(me) }));
    expect(response.status).toBe(200);
    const body = (await response.json()) as { auth: string; user_data: string };
    const userData = JSON.parse(body.user_data) as { id: string; watchlist: string[] };

    expect(userData.id).toBe(me.id);
    expect(userData.watchlist).toHaveLength(100);
    expect(userData.watchlist).not.toContain(me.id);
    expect(new Set(userData.watchlist).size).toBe(100);
    const expected = await harness.db.user.findMany({
      where: { id: { not: me.id } },
      orderBy: [{ name: "asc" }, { id: "asc" }],
      take: 100,
      select: { id: true },
    });
    expect(userData.watchlist).toEqual(expected.map((user) => user.id));
    // The page lists the same contacts the token watches.
    expect((await listContacts(me.id)).map((contact) => contact.id)).toEqual(userData.watchlist);

    const signature = createHmac("sha256", APP.secret).update(`77.1::user::${body.user_data}`).digest("hex");
    expect(body.auth).toBe(`${APP.key}:${signature}`);
  });
});
