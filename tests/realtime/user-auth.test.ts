import { afterEach, describe, expect, it } from "vitest";
import { hmacSha256Hex } from "../../lib/realtime-server/signatures";
import { cleanup, createClient, isEvent, KEY, SECRET, nextEvent, pause, RawClient, signedIn, startServer, waitForState } from "./helpers";

afterEach(cleanup);

interface WatchlistEvent {
  name: string;
  user_ids: string[];
}

describe("pusher:signin", () => {
  it("answers a valid sign-in with signin_success carrying the exact user_data string", async () => {
    const { port, sdk } = await startServer();
    const { client, socketId } = await RawClient.established(port);
    const signed = sdk.authenticateUser(socketId, { id: "42", user_info: { name: "Zaphod" } });
    client.send({ event: "pusher:signin", data: signed });
    const success = await client.next(isEvent("pusher:signin_success"));
    expect(typeof success.rawData).toBe("string");
    expect(success.data).toEqual({ user_data: signed.user_data });
  });

  it("signs in through stock pusher-js and joins #server-to-user-{id}", async () => {
    const { port, sdk } = await startServer();
    const client = createClient(port, { user: { id: "u1" } });
    await signedIn(client);
    expect(client.user.user_data).toEqual({ id: "u1" });
    const received = nextEvent(client.user, "notice");
    await sdk.sendToUser("u1", "notice", { text: "hello" });
    expect((await received).data).toEqual({ text: "hello" });
  });

  it.each([
    ["a bad signature", (socketId: string) => ({ auth: `test-key:${"f".repeat(64)}`, user_data: JSON.stringify({ id: "1" }), socketId })],
    ["a signature for another socket", () => ({ socketId: "9.9", user_data: JSON.stringify({ id: "1" }) })],
    ["user_data without id", () => ({ user_data: JSON.stringify({ name: "x" }) })],
    ["user_data with an empty id", () => ({ user_data: JSON.stringify({ id: "" }) })],
    ["user_data that is not JSON", () => ({ user_data: "not json" })],
  ])("refuses %s with pusher:error 4009 and close 4009", async (_label, make) => {
    const { port } = await startServer();
    const { client, socketId } = await RawClient.established(port);
    const spec: { auth?: string; user_data: string; socketId?: string } = make(socketId);
    // Signed like the SDK would, except that the SDK refuses to sign user_data without an id.
    const auth = spec.auth ?? `${KEY}:${hmacSha256Hex(SECRET, `${spec.socketId ?? socketId}::user::${spec.user_data}`)}`;
    client.send({ event: "pusher:signin", data: { auth, user_data: spec.user_data } });
    expect((await client.next(isEvent("pusher:error"))).data).toMatchObject({ code: 4009 });
    expect((await client.closed).code).toBe(4009);
    expect(client.received(isEvent("pusher:signin_success"))).toHaveLength(0);
  });

  it("lets only the socket signed in as that user join #server-to-user-{id}", async () => {
    const { port, sdk } = await startServer();
    const owner = await RawClient.established(port);
    owner.client.send({ event: "pusher:signin", data: sdk.authenticateUser(owner.socketId, { id: "7" }) });
    await owner.client.next(isEvent("pusher:signin_success"));
    owner.client.send({ event: "pusher:subscribe", data: { channel: "#server-to-user-7", auth: "" } });
    await owner.client.next(isEvent("pusher_internal:subscription_succeeded", "#server-to-user-7"));

    const anonymous = await RawClient.established(port);
    anonymous.client.send({ event: "pusher:subscribe", data: { channel: "#server-to-user-7", auth: "" } });
    expect((await anonymous.client.next(isEvent("pusher:subscription_error", "#server-to-user-7"))).data).toMatchObject({ status: 403 });

    const other = await RawClient.established(port);
    other.client.send({ event: "pusher:signin", data: sdk.authenticateUser(other.socketId, { id: "8" }) });
    await other.client.next(isEvent("pusher:signin_success"));
    other.client.send({ event: "pusher:subscribe", data: { channel: "#server-to-user-7", auth: "" } });
    await other.client.next(isEvent("pusher:subscription_error", "#server-to-user-7"));

    await sdk.sendToUser("7", "private-note", { n: 1 });
    expect((await owner.client.next(isEvent("private-note", "#server-to-user-7"))).data).toEqual({ n: 1 });
    await pause(50);
    expect(other.client.received(isEvent("private-note"))).toHaveLength(0);
    expect(anonymous.client.received(isEvent("private-note"))).toHaveLength(0);
  });

  it("delivers sendToUser to every signed-in socket of the user", async () => {
    const { port, sdk } = await startServer();
    const tabs = [createClient(port, { user: { id: "multi" } }), createClient(port, { user: { id: "multi" } })];
    const bystander = createClient(port, { user: { id: "someone-else" } });
    await Promise.all([...tabs, bystander].map(signedIn));
    const received = tabs.map((tab) => nextEvent(tab.user, "broadcast"));
    const stray: unknown[] = [];
    bystander.user.bind("broadcast", (data: unknown) => stray.push(data));
    await sdk.sendToUser("multi", "broadcast", "to both");
    expect((await Promise.all(received)).map((r) => r.data)).toEqual(["to both", "to both"]);
    await pause(50);
    expect(stray).toEqual([]);
  });

  it("terminate_connections closes every socket of the user with 4009 and pusher-js stays disconnected", async () => {
    const { port, sdk } = await startServer();
    const victimTabs = [createClient(port, { user: { id: "banned" } }), createClient(port, { user: { id: "banned" } })];
    const survivor = createClient(port, { user: { id: "fine" } });
    await Promise.all([...victimTabs, survivor].map(signedIn));
    const errors = victimTabs.map((tab) => nextEvent<{ type: string; data: { code: number; message: string } }>(tab.connection, "error"));
    const states: string[] = [];
    victimTabs[0]?.connection.bind("state_change", (change: { current: string }) => states.push(change.current));

    await sdk.terminateUserConnections("banned");
    for (const error of await Promise.all(errors)) {
      expect(error.data.data).toEqual({ code: 4009, message: "You got disconnected by the app." });
    }
    await Promise.all(victimTabs.map((tab) => waitForState(tab, "disconnected")));
    await pause(300);
    expect(victimTabs.map((tab) => tab.connection.state)).toEqual(["disconnected", "disconnected"]);
    expect(states).not.toContain("connecting");
    expect(survivor.connection.state).toBe("connected");
    const stillThere = nextEvent(survivor.user, "ping-user");
    await sdk.sendToUser("fine", "ping-user", {});
    await stillThere;
  });

  it("terminate_connections sends the exact error frame and close code", async () => {
    const { port, sdk } = await startServer();
    const { client, socketId } = await RawClient.established(port);
    client.send({ event: "pusher:signin", data: sdk.authenticateUser(socketId, { id: "x" }) });
    await client.next(isEvent("pusher:signin_success"));
    expect(await (await sdk.terminateUserConnections("x")).json()).toEqual({});
    const error = await client.next(isEvent("pusher:error"));
    expect(JSON.parse(error.text)).toEqual({ event: "pusher:error", data: { code: 4009, message: "You got disconnected by the app." } });
    expect(await client.closed).toEqual({ code: 4009, reason: "You got disconnected by the app." });
  });
});

describe("watchlist", () => {
  it("reports the current state after sign-in and every online/offline change to pusher-js", async () => {
    const { port } = await startServer();
    const friend = createClient(port, { user: { id: "friend" } });
    await signedIn(friend);

    const watcher = createClient(port, { user: { id: "watcher", watchlist: ["friend", "stranger"] } });
    const online = nextEvent<WatchlistEvent>(watcher.user.watchlist, "online");
    const offline = nextEvent<WatchlistEvent>(watcher.user.watchlist, "offline");
    await signedIn(watcher);
    expect((await online).data).toEqual({ name: "online", user_ids: ["friend"] });
    expect((await offline).data).toEqual({ name: "offline", user_ids: ["stranger"] });

    const strangerOnline = nextEvent<WatchlistEvent>(watcher.user.watchlist, "online");
    const stranger = createClient(port, { user: { id: "stranger" } });
    await signedIn(stranger);
    expect((await strangerOnline).data.user_ids).toEqual(["stranger"]);

    // A second socket of an online user changes nothing; the last one leaving makes them offline.
    const friendTab = createClient(port, { user: { id: "friend" } });
    await signedIn(friendTab);
    const changes: WatchlistEvent[] = [];
    watcher.user.watchlist.bind("offline", (event: WatchlistEvent) => changes.push(event));
    friend.disconnect();
    await waitForState(friend, "disconnected");
    await pause(100);
    expect(changes).toEqual([]);
    const friendOffline = nextEvent<WatchlistEvent>(watcher.user.watchlist, "offline");
    friendTab.disconnect();
    expect((await friendOffline).data).toEqual({ name: "offline", user_ids: ["friend"] });
  });

  it("sends the exact watchlist frame", async () => {
    const { port, sdk } = await startServer();
    const { client, socketId } = await RawClient.established(port);
    client.send({ event: "pusher:signin", data: sdk.authenticateUser(socketId, { id: "w", watchlist: ["a", "b"] }) });
    await client.next(isEvent("pusher:signin_success"));
    const frame = await client.next(isEvent("pusher_internal:watchlist_events"));
    expect(JSON.parse(frame.text)).toEqual({
      event: "pusher_internal:watchlist_events",
      data: JSON.stringify({ events: [{ name: "offline", user_ids: ["a", "b"] }] }),
    });
  });

  it("watches only the first 100 ids and reports 4302", async () => {
    const { port, sdk } = await startServer();
    const { client, socketId } = await RawClient.established(port);
    const watchlist = Array.from({ length: 105 }, (_, i) => `user-${i}`);
    client.send({ event: "pusher:signin", data: sdk.authenticateUser(socketId, { id: "greedy", watchlist }) });
    await client.next(isEvent("pusher:signin_success"));
    expect((await client.next(isEvent("pusher:error"))).data).toMatchObject({ code: 4302 });
    const state = await client.next(isEvent("pusher_internal:watchlist_events"));
    expect((state.data as { events: WatchlistEvent[] }).events[0]?.user_ids).toEqual(watchlist.slice(0, 100));
    client.send({ event: "pusher:ping", data: {} });
    await client.next(isEvent("pusher:pong"));

    const extra = await RawClient.established(port);
    extra.client.send({ event: "pusher:signin", data: sdk.authenticateUser(extra.socketId, { id: "user-104" }) });
    await extra.client.next(isEvent("pusher:signin_success"));
    const watched = await RawClient.established(port);
    watched.client.send({ event: "pusher:signin", data: sdk.authenticateUser(watched.socketId, { id: "user-99" }) });
    const change = await client.next(isEvent("pusher_internal:watchlist_events"));
    expect(change.data).toEqual({ events: [{ name: "online", user_ids: ["user-99"] }] });
  });
});

describe("authorized connections", () => {
  it("closes sockets that neither sign in nor join a private channel in time with 4009", async () => {
    const { port, sdk } = await startServer({ authorizedConnectionsTimeoutMs: 300 });
    const idle = await RawClient.established(port);
    const publicOnly = await RawClient.established(port);
    publicOnly.client.send({ event: "pusher:subscribe", data: { channel: "news" } });
    const signed = await RawClient.established(port);
    signed.client.send({ event: "pusher:signin", data: sdk.authenticateUser(signed.socketId, { id: "ok" }) });
    const privateMember = await RawClient.established(port);
    privateMember.client.send({
      event: "pusher:subscribe",
      data: { channel: "private-x", auth: sdk.authorizeChannel(privateMember.socketId, "private-x").auth },
    });

    for (const { client } of [idle, publicOnly]) {
      expect(await client.closed).toEqual({ code: 4009, reason: "Connection not authorized within timeout." });
      expect(client.received(isEvent("pusher:error")).at(-1)?.data).toEqual({
        code: 4009,
        message: "Connection not authorized within timeout.",
      });
    }
    for (const { client } of [signed, privateMember]) {
      client.send({ event: "pusher:ping", data: {} });
      await client.next(isEvent("pusher:pong"));
      expect(client.ws.readyState).toBe(client.ws.OPEN);
    }
  });

  it("with authorizedConnectionsRequireSignIn, only a sign-in counts: a private subscription alone is closed", async () => {
    const { port, sdk } = await startServer({ authorizedConnectionsTimeoutMs: 300, authorizedConnectionsRequireSignIn: true });
    const privateMember = await RawClient.established(port);
    privateMember.client.send({
      event: "pusher:subscribe",
      data: { channel: "private-x", auth: sdk.authorizeChannel(privateMember.socketId, "private-x").auth },
    });
    await privateMember.client.next(isEvent("pusher_internal:subscription_succeeded"));
    const signed = await RawClient.established(port);
    signed.client.send({ event: "pusher:signin", data: sdk.authenticateUser(signed.socketId, { id: "ok" }) });
    await signed.client.next(isEvent("pusher:signin_success"));

    expect(await privateMember.client.closed).toEqual({ code: 4009, reason: "Connection not authorized within timeout." });
    signed.client.send({ event: "pusher:ping", data: {} });
    await signed.client.next(isEvent("pusher:pong"));
    expect(signed.client.ws.readyState).toBe(signed.client.ws.OPEN);
  });

  it("is off by default", async () => {
    const { port } = await startServer({ activityTimeoutSeconds: 1 });
    const { client } = await RawClient.established(port);
    await pause(400);
    client.send({ event: "pusher:ping", data: {} });
    await client.next(isEvent("pusher:pong"));
  });
});
