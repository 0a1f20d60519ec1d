import { createHmac } from "node:crypto";

import Pusher from "pusher";
import { describe, expect, it } from "vitest";

// The protocol doc's published vector (pusher.com/docs/channels "User authentication").
const VECTOR = {
  key: "278d425bdf160c739803",
  secret: "7ad3773142a6692b25b8",
  socketId: "1234.1234",
  userData: '{"id":"12345"}',
  signature: "4708d583dada6a56435fb8bc611c77c359a31eebde13337c16ab43aa6de336ba",
};

describe("user authentication signature", () => {
  it("is HMAC-SHA256(secret, socket_id::user::user_data)", () => {
    const hex = createHmac("sha256", VECTOR.secret).update(`${VECTOR.socketId}::user::${VECTOR.userData}`).digest("hex");
    expect(hex).toBe(VECTOR.signature);
  });

  it("is what the server SDK's authenticateUser produces, with user_data byte-identical", () => {
    const sdk = new Pusher({ appId: "1", key: VECTOR.key, secret: VECTOR.secret, host: "127.0.0.1" });
    const result = sdk.authenticateUser(VECTOR.socketId, { id: "12345" });
    expect(result).toEqual({ auth: `${VECTOR.key}:${VECTOR.signature}`, user_data: VECTOR.userData });
  });
});
