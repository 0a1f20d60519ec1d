import { afterEach, describe, expect, it } from "vitest";
import {
  APP_ID,
  cleanup,
  createClient,
  isEvent,
  nextEvent,
  pause,
  RawClient,
  sdkFor,
  signedFetch,
  startServer,
  subscribed,
} from "./helpers";

afterEach(cleanup);

const EVENTS_PATH = `/apps/${APP_ID}/events`;

describe("POST /events", () => {
  it("fans out to several channels, serialised as Pusher frames, and answers {}", async () => {
    const { port, sdk } = await startServer();
    const { client } = await RawClient.established(port);
    for (const channel of ["a", "b"]) client.send({ event: "pusher:subscribe", data: { channel } });
    await client.next(isEvent("pusher_internal:subscription_succeeded", "b"));
    const response = await sdk.trigger(["a", "b", "empty"], "update", { v: 1 });
    expect(await response.json()).toEqual({});
    const frameA = await client.next(isEvent("update", "a"));
    expect(JSON.parse(frameA.text)).toEqual({ event: "update", channel: "a", data: '{"v":1}' });
    await client.next(isEvent("update", "b"));
  });

  it("excludes the socket given as socket_id", async () => {
    const { port, sdk } = await startServer();
    const sender = await RawClient.established(port);
    const other = await RawClient.established(port);
    for (const { client } of [sender, other]) {
      client.send({ event: "pusher:subscribe", data: { channel: "room" } });
      await client.next(isEvent("pusher_internal:subscription_succeeded"));
    }
    await sdk.trigger("room", "said", "hi", { socket_id: sender.socketId });
    await other.client.next(isEvent("said"));
    await pause(50);
    expect(sender.client.received(isEvent("said"))).toHaveLength(0);
  });

  it("returns channel info when asked", async () => {
    const { port, sdk } = await startServer();
    await subscribed(createClient(port, { presence: { user_id: "1" } }), "presence-room");
    await subscribed(createClient(port, { presence: { user_id: "1" } }), "presence-room");
    const response = await sdk.trigger(["presence-room", "public-empty"], "e", {}, { info: "user_count,subscription_count" });
    expect(await response.json()).toEqual({
      channels: { "presence-room": { user_count: 1, subscription_count: 2 }, "public-empty": { subscription_count: 0 } },
    });
  });

  it("accepts `channel` instead of `channels`", async () => {
    const { port } = await startServer();
    const { channel } = await subscribed(createClient(port), "solo");
    const received = nextEvent(channel, "e");
    const response = await signedFetch(port, {
      method: "POST",
      path: EVENTS_PATH,
      body: JSON.stringify({ name: "e", channel: "solo", data: "{}" }),
    });
    expect(response).toEqual({ status: 200, text: "{}" });
    await received;
  });

  it.each([
    ["a name over 200 characters", { name: "n".repeat(201), channels: ["a"], data: "{}" }, 400, /name is longer than 200/],
    ["a missing name", { channels: ["a"], data: "{}" }, 400, /name must be/],
    ["non-string data", { name: "e", channels: ["a"], data: { a: 1 } }, 400, /data must be a string/],
    ["data over 10 KB", { name: "e", channels: ["a"], data: "x".repeat(10 * 1024 + 1) }, 413, /larger than 10240 bytes/],
    ["more than 100 channels", { name: "e", channels: Array.from({ length: 101 }, (_, i) => `c${i}`), data: "{}" }, 400, /more than 100/],
    ["no channels", { name: "e", data: "{}" }, 400, /channels or channel is required/],
    ["an invalid channel name", { name: "e", channels: ["bad name"], data: "{}" }, 400, /only contain/],
    ["a malformed socket_id", { name: "e", channels: ["a"], data: "{}", socket_id: "abc" }, 400, /socket_id/],
    ["an unknown info attribute", { name: "e", channels: ["a"], data: "{}", info: "everything" }, 400, /Unknown info attribute/],
  ])("refuses %s", async (_label, body, status, reason) => {
    const { port } = await startServer();
    const response = await signedFetch(port, { method: "POST", path: EVENTS_PATH, body: JSON.stringify(body) });
    expect(response.status).toBe(status);
    expect(response.text).toMatch(reason);
  });
});

describe("POST /batch_events", () => {
  it("publishes up to 10 events and reports info per event", async () => {
    const { port, sdk } = await startServer();
    const { client } = await RawClient.established(port);
    client.send({ event: "pusher:subscribe", data: { channel: "batch" } });
    await client.next(isEvent("pusher_internal:subscription_succeeded"));
    const response = await sdk.triggerBatch([
      { channel: "batch", name: "one", data: { n: 1 } },
      { channel: "batch", name: "two", data: "2", info: "subscription_count" },
    ]);
    expect(await response.json()).toEqual({ batch: [{}, { subscription_count: 1 }] });
    expect((await client.next(isEvent("one"))).data).toEqual({ n: 1 });
    expect((await client.next(isEvent("two"))).rawData).toBe("2");
    const plain = await sdk.triggerBatch([{ channel: "batch", name: "three", data: {} }]);
    expect(await plain.json()).toEqual({});
  });

  it("refuses more than 10 events and publishes none of an invalid batch", async () => {
    const { port, sdk } = await startServer();
    const { client } = await RawClient.established(port);
    client.send({ event: "pusher:subscribe", data: { channel: "batch" } });
    await client.next(isEvent("pusher_internal:subscription_succeeded"));
    const eleven = Array.from({ length: 11 }, () => ({ channel: "batch", name: "e", data: "{}" }));
    await expect(sdk.triggerBatch(eleven)).rejects.toMatchObject({ status: 400, body: expect.stringMatching(/more than 10/) });
    const partlyBad = [
      { channel: "batch", name: "ok", data: "{}" },
      { channel: "bad name", name: "e", data: "{}" },
    ];
    const response = await signedFetch(port, {
      method: "POST",
      path: `/apps/${APP_ID}/batch_events`,
      body: JSON.stringify({ batch: partlyBad }),
    });
    expect(response.status).toBe(400);
    expect(response.text).toMatch(/batch\[1\]/);
    await pause(50);
    expect(client.received(isEvent("ok"))).toHaveLength(0);
  });
});

describe("GET /channels", () => {
  it("lists occupied channels with prefix filter and counts, hiding internal channels", async () => {
    const { port, sdk } = await startServer();
    await subscribed(createClient(port), "public-1");
    await subscribed(createClient(port), "private-2");
    await subscribed(createClient(port, { presence: { user_id: "u" } }), "presence-3");
    const signedInClient = createClient(port, { user: { id: "u" } });
    signedInClient.signin();
    await signedInClient.user.signinDonePromise;

    expect(await (await sdk.get({ path: "/channels" })).json()).toEqual({
      channels: { "public-1": {}, "private-2": {}, "presence-3": {} },
    });
    expect(await (await sdk.get({ path: "/channels", params: { filter_by_prefix: "presence-", info: "user_count" } })).json()).toEqual({
      channels: { "presence-3": { user_count: 1 } },
    });
    expect(
      await (await sdk.get({ path: "/channels", params: { info: "subscription_count", filter_by_prefix: "private-" } })).json(),
    ).toEqual({
      channels: { "private-2": { subscription_count: 1 } },
    });
    await expect(sdk.get({ path: "/channels", params: { info: "user_count" } })).rejects.toMatchObject({
      status: 400,
      body: expect.stringMatching(/filter_by_prefix=presence-/),
    });
  });

  it("describes one channel, occupied or not", async () => {
    const { port, sdk } = await startServer();
    await subscribed(createClient(port, { presence: { user_id: "a" } }), "presence-x");
    await subscribed(createClient(port, { presence: { user_id: "b" } }), "presence-x");
    expect(await (await sdk.get({ path: "/channels/presence-x", params: { info: "user_count,subscription_count" } })).json()).toEqual({
      occupied: true,
      user_count: 2,
      subscription_count: 2,
    });
    expect(await (await sdk.get({ path: "/channels/nobody-here" })).json()).toEqual({ occupied: false });
    await expect(sdk.get({ path: "/channels/public", params: { info: "user_count" } })).rejects.toMatchObject({ status: 400 });
  });

  it("lists presence users", async () => {
    const { port, sdk } = await startServer();
    await subscribed(createClient(port, { presence: { user_id: "a" } }), "presence-y");
    await subscribed(createClient(port, { presence: { user_id: "b" } }), "presence-y");
    await subscribed(createClient(port, { presence: { user_id: "b" } }), "presence-y");
    const { users } = (await (await sdk.get({ path: "/channels/presence-y/users" })).json()) as { users: { id: string }[] };
    expect(users.map((user) => user.id).sort()).toEqual(["a", "b"]);
    expect(await (await sdk.get({ path: "/channels/presence-empty/users" })).json()).toEqual({ users: [] });
    await expect(sdk.get({ path: "/channels/private-z/users" })).rejects.toMatchObject({ status: 400 });
  });
});

describe("request signing and errors", () => {
  const body = JSON.stringify({ name: "e", channels: ["a"], data: "{}" });

  it.each([
    ["a bad signature", (q: string) => q.replace(/auth_signature=[0-9a-f]+/, `auth_signature=${"0".repeat(64)}`), /Invalid auth_signature/],
    [
      "a stale timestamp",
      (q: string) => q.replace(/auth_timestamp=\d+/, `auth_timestamp=${Math.floor(Date.now() / 1000) - 601}`),
      /auth_timestamp expired/,
    ],
    ["a bad body_md5", (q: string) => q.replace(/body_md5=[0-9a-f]+/, `body_md5=${"0".repeat(32)}`), /body_md5 does not match/],
    ["a missing body_md5", (q: string) => q.replace(/body_md5=[0-9a-f]+&/, ""), /Missing body_md5/],
    ["a wrong auth_version", (q: string) => q.replace("auth_version=1.0", "auth_version=1.1"), /auth_version/],
  ])("answers %s with 401 and a reason", async (_label, tamper, reason) => {
    const { port } = await startServer();
    const response = await signedFetch(port, { method: "POST", path: EVENTS_PATH, body, tamper });
    expect(response.status).toBe(401);
    expect(response.text).toMatch(reason);
  });

  it("answers a wrong key or secret with 401", async () => {
    const { port } = await startServer();
    await expect(sdkFor(port, { key: "other-key" }).trigger("a", "e", {})).rejects.toMatchObject({
      status: 401,
      body: expect.stringMatching(/auth_key/),
    });
    await expect(sdkFor(port, { secret: "wrong" }).trigger("a", "e", {})).rejects.toMatchObject({
      status: 401,
      body: expect.stringMatching(/auth_signature/),
    });
  });

  it("answers a tampered body with 401 even when the query is intact", async () => {
    const { port } = await startServer();
    const sdk = sdkFor(port);
    const query = sdk.createSignedQueryString({ method: "POST", path: EVENTS_PATH, body });
    const response = await fetch(`http://127.0.0.1:${port}${EVENTS_PATH}?${query}`, { method: "POST", body: body.replace('"a"', '"b"') });
    expect(response.status).toBe(401);
  });

  it("answers a wrong app id with 404", async () => {
    const { port } = await startServer();
    await expect(sdkFor(port, { appId: "other-app" }).trigger("a", "e", {})).rejects.toMatchObject({
      status: 404,
      body: expect.stringMatching(/Unknown app id/),
    });
    expect((await fetch(`http://127.0.0.1:${port}/nothing`)).status).toBe(404);
    expect((await signedFetch(port, { method: "GET", path: `/apps/${APP_ID}/nope` })).status).toBe(404);
  });

  it("answers bad JSON with 400 and an oversized body with 413", async () => {
    const { port } = await startServer();
    const badJson = await signedFetch(port, { method: "POST", path: EVENTS_PATH, body: "{not json" });
    expect(badJson).toEqual({ status: 400, text: "Request body is not valid JSON\n" });
    const huge = JSON.stringify({ name: "e", channels: ["a"], data: "x".repeat(2 * 1024 * 1024) });
    const tooLarge = await signedFetch(port, { method: "POST", path: EVENTS_PATH, body: huge });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.text).toMatch(/larger than/);
  });

  it("keeps serving after bad requests", async () => {
    const { port, sdk } = await startServer();
    await signedFetch(port, { method: "POST", path: EVENTS_PATH, body: "][" });
    await fetch(`http://127.0.0.1:${port}${EVENTS_PATH}`, { method: "POST", body: "garbage" });
    expect((await sdk.trigger("a", "e", {})).status).toBe(200);
  });
});
