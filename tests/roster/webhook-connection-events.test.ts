/**
 * The roster writes the webhook dispatches to (lib/roster/connection-events.ts), against the real
 * database: what each write changes, and when it reports a change (the webhook notifies admins and
 * publishes an inspector line only then).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { createUser, startHarness, type Harness } from "@/tests/support/app-harness";

let harness: Harness;
let events: typeof import("@/lib/roster/connection-events");
let recordSignIn: typeof import("@/lib/roster/record-sign-in").recordSignIn;

beforeAll(async () => {
  harness = await startHarness({ webhooks: false });
  events = await import("@/lib/roster/connection-events");
  ({ recordSignIn } = await import("@/lib/roster/record-sign-in"));
});

afterAll(async () => {
  await harness?.close();
});

beforeEach(async () => {
  await harness.db.realtimeConnection.deleteMany();
  await harness.db.user.deleteMany();
});

const row = (socketId: string) => harness.db.realtimeConnection.findUnique({ where: { socketId } });

describe("confirmConnection (channel_occupied)", () => {
  it("confirms an unconfirmed row once and reports it; a duplicate only refreshes its activity", async () => {
    const alice = await createUser(harness, { name: "Alice" });
    await recordSignIn({ userId: alice.id, socketId: "10.1" });

    const first = new Date(Date.now() + 1_000);
    expect(await events.confirmConnection("10.1", first)).toEqual({
      userId: alice.id,
      userName: "Alice",
      socketId: "10.1",
      reason: "connection-confirmed",
    });
    expect(await row("10.1")).toMatchObject({ confirmedAt: first, lastActivityAt: first });

    const later = new Date(first.getTime() + 5_000);
    expect(await events.confirmConnection("10.1", later)).toBeNull();
    expect(await row("10.1")).toMatchObject({ confirmedAt: first, lastActivityAt: later });
  });

  it("reports a confirmation once when two deliveries of it run at the same time", async () => {
    const alice = await createUser(harness, { name: "Alice" });
    await recordSignIn({ userId: alice.id, socketId: "10.6" });
    const now = new Date();
    const results = await Promise.all([events.confirmConnection("10.6", now), events.confirmConnection("10.6", now)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await row("10.6")).toMatchObject({ confirmedAt: now });
  });

  it("never creates or resurrects a row", async () => {
    expect(await events.confirmConnection("10.2", new Date())).toBeNull();
    expect(await harness.db.realtimeConnection.count()).toBe(0);

    const alice = await createUser(harness, { name: "Alice" });
    await recordSignIn({ userId: alice.id, socketId: "10.3" });
    expect(await events.closeConnection("10.3")).not.toBeNull();
    expect(await events.confirmConnection("10.3", new Date())).toBeNull();
    expect(await row("10.3")).toBeNull();
  });

  it("leaves other sockets' rows alone", async () => {
    const alice = await createUser(harness, { name: "Alice" });
    await recordSignIn({ userId: alice.id, socketId: "10.4" });
    await recordSignIn({ userId: alice.id, socketId: "10.5" });
    expect(await events.confirmConnection("10.4", new Date())).not.toBeNull();
    expect(await row("10.5")).toMatchObject({ confirmedAt: null });
  });
});

describe("closeConnection (channel_vacated)", () => {
  it("deletes the row and reports it once", async () => {
    const bob = await createUser(harness, { name: "Bob" });
    await recordSignIn({ userId: bob.id, socketId: "11.1" });
    expect(await events.closeConnection("11.1")).toEqual({
      userId: bob.id,
      userName: "Bob",
      socketId: "11.1",
      reason: "connection-closed",
    });
    expect(await row("11.1")).toBeNull();
    expect(await events.closeConnection("11.1")).toBeNull();
  });
});
