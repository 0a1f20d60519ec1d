/**
 * The attack: a socket asks /pusher/user-auth for a token while the session is still valid, keeps
 * the answer, and sends it as pusher:signin only after the user was signed out everywhere (or
 * banned). The first terminate ran before the socket was signed in, so it could not close it. The
 * defence: the backend's authorized-connections timeout bounds how long a socket may stay open
 * unsigned, and the app terminates a second time once that window has passed.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { cleanup as closeRawClients, RawClient } from "@/tests/realtime/helpers";
import {
  connectAppClient,
  createUser,
  formRequest,
  request,
  resetDatabase,
  sessionCookie,
  startHarness,
  waitFor,
  type Harness,
  type TestUser,
} from "@/tests/support/app-harness";

/** Short, so the test is quick; the app reads the same value (PUSHER_AUTHORIZED_CONNECTIONS_TIMEOUT_MS). */
const AUTH_TIMEOUT_MS = 3_000;

let harness: Harness;
let handleUserAuth: typeof import("@/lib/pusher/sign-user-auth").handleUserAuth;
let SECOND_TERMINATE_MARGIN_MS: number;
let pusherServer: typeof import("@/lib/pusher/server").pusherServer;
let admin: TestUser;
let alice: TestUser;

beforeAll(async () => {
  harness = await startHarness({ webhooks: false, authorizedConnectionsTimeoutMs: AUTH_TIMEOUT_MS });
  ({ handleUserAuth } = await import("@/lib/pusher/sign-user-auth"));
  ({ SECOND_TERMINATE_MARGIN_MS } = await import("@/lib/admin/late-sign-in-guard"));
  ({ pusherServer } = await import("@/lib/pusher/server"));
});

afterAll(async () => {
  await harness?.close();
});

beforeEach(async () => {
  await resetDatabase(harness);
  admin = await createUser(harness, { name: "Ada Admin", role: "ADMIN" });
  alice = await createUser(harness, { name: "Alice" });
});

afterEach(closeRawClients);

/** A raw socket and the user-auth answer it saved while Alice's session was valid. */
async function socketWithSavedToken() {
  const { client, socketId } = await RawClient.established(harness.realtimePort);
  const response = await handleUserAuth(formRequest("/pusher/user-auth", { socket_id: socketId }, { cookie: await sessionCookie(alice) }));
  expect(response.status).toBe(200);
  const token = (await response.json()) as { auth: string; user_data: string };
  return { client, socketId, token };
}

async function revoke(kind: "sign-out-everywhere" | "ban") {
  const cookie = await sessionCookie(admin);
  const response =
    kind === "ban"
      ? await (
          await import("@/lib/admin/ban-user")
        ).handleBanUser(
          request(`/api/admin/users/${alice.id}/ban`, { cookie, json: { reason: "Stolen laptop", expiresAt: null } }),
          alice.id,
        )
      : await (
          await import("@/lib/admin/sign-out-everywhere")
        ).handleSignOutEverywhere(request(`/api/admin/users/${alice.id}/sign-out-everywhere`, { cookie }), alice.id);
  expect(response.status).toBe(200);
  return Date.now();
}

describe.each(["sign-out-everywhere", "ban"] as const)("a user-auth answer saved before %s", (kind) => {
  it("signed in afterwards: the socket is closed within the stated window and gets none of the user's later events", async () => {
    const { client, token } = await socketWithSavedToken();
    const revokedAt = await revoke(kind);

    client.send({ event: "pusher:signin", data: token });
    // The backend can't tell an old token from a new one: the sign-in itself succeeds, unless the
    // revocation took this (loaded) machine longer than the unsigned window, which then closed the
    // socket before the sign-in arrived: the same defence, earlier, and the same close code.
    const bound = AUTH_TIMEOUT_MS + SECOND_TERMINATE_MARGIN_MS + 3_000;
    await Promise.race([client.next((frame) => frame.event === "pusher:signin_success", bound).catch(() => null), client.closed]);

    // …and the second terminate closes it once the unsigned window has passed.
    const closed = await Promise.race([client.closed, new Promise<null>((resolve) => setTimeout(() => resolve(null), bound))]);
    expect(closed).toMatchObject({ code: 4009 });
    expect(Date.now() - revokedAt).toBeLessThanOrEqual(bound);

    await pusherServer.sendToUser(alice.id, "message", { body: "for Alice's new session only" });
    expect(client.received((frame) => frame.event === "message")).toEqual([]);
  });

  it("kept open by its connection channel and signed in much later: cut off within one window of the late sign-in", async () => {
    const { client, socketId, token } = await socketWithSavedToken();
    // Joined before the revocation, while the session was valid: a private subscription counts as
    // "authorized" on hosted Pusher and soketi, so their timeout never closes this socket.
    const { handleChannelAuth } = await import("@/lib/pusher/channel-auth");
    const channel = `private-connection-${socketId}`;
    const auth = await handleChannelAuth(
      formRequest("/pusher/auth", { socket_id: socketId, channel_name: channel }, { cookie: await sessionCookie(alice) }),
    );
    expect(auth.status).toBe(200);
    client.send({ event: "pusher:subscribe", data: { channel, ...((await auth.json()) as object) } });
    await client.next((frame) => frame.event === "pusher_internal:subscription_succeeded");

    await revoke(kind);
    // Past the first two windows: the socket is still there, unsigned.
    await new Promise((resolve) => setTimeout(resolve, 2 * (AUTH_TIMEOUT_MS + SECOND_TERMINATE_MARGIN_MS)));
    expect(client.ws.readyState).toBe(client.ws.OPEN);

    client.send({ event: "pusher:signin", data: token });
    await client.next((frame) => frame.event === "pusher:signin_success");
    const signedInAt = Date.now();
    const closed = await Promise.race([
      client.closed,
      new Promise<null>((resolve) => setTimeout(() => resolve(null), AUTH_TIMEOUT_MS + SECOND_TERMINATE_MARGIN_MS + 3_000)),
    ]);
    expect(closed).toMatchObject({ code: 4009 });
    expect(Date.now() - signedInAt).toBeLessThanOrEqual(AUTH_TIMEOUT_MS + SECOND_TERMINATE_MARGIN_MS + 3_000);
  });

  it("a session opened again right after it is not cut off: the re-check is announced, the tab reconnects and signs in by itself", async () => {
    await revoke(kind);
    if (kind === "ban") await harness.db.user.update({ where: { id: alice.id }, data: { bannedAt: null, banReason: null } });
    const fresh = await harness.db.user.findUniqueOrThrow({ where: { id: alice.id } });
    const tab = await connectAppClient(harness, await sessionCookie(fresh));
    const firstSocket = tab.client.getState().socketId;

    // The second terminate comes one window after the revocation and closes this tab's socket too…
    await waitFor(() => tab.signins.length >= 2, {
      timeoutMs: AUTH_TIMEOUT_MS + SECOND_TERMINATE_MARGIN_MS + 8_000,
      message: "the tab signed in again",
    });
    // …and the tab, told beforehand, came back on a new socket instead of staying "disconnected".
    const state = tab.client.getState();
    expect(state).toMatchObject({ status: "signed-in", terminated: false });
    expect(state.socketId).not.toBe(firstSocket);
    tab.client.stop();
  });

  it("never signed in: the backend closes the socket at the authorized-connections timeout", async () => {
    const { client } = await socketWithSavedToken();
    await revoke(kind);
    const closed = await client.closed;
    expect(closed.code).toBe(4009);
    expect(closed.reason).toMatch(/not authorized within timeout/i);
  });
});
