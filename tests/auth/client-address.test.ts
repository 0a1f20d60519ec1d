import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { clientAddress, forwardedForEntries, throttleAddress, UNKNOWN_CLIENT_ADDRESS } from "@/lib/auth/client-address";
import { appendSocketAddressToForwardedFor } from "@/lib/auth/forwarded-for";
import { parseEnv } from "@/lib/config/env-schema";

describe("clientAddress", () => {
  const xff = (value: string) => ({ "x-forwarded-for": value });

  it("hops=0: the last entry (the socket peer the hook appended), whatever the client wrote before it", () => {
    expect(clientAddress(xff("127.0.0.1"), 0)).toBe("127.0.0.1");
    expect(clientAddress(xff("6.6.6.6, 7.7.7.7, 192.0.2.10"), 0)).toBe("192.0.2.10");
  });

  it("hops=N: the N-th entry from the right; the leftmost when there are fewer", () => {
    expect(clientAddress(xff("6.6.6.6, 198.51.100.7, 10.0.0.2"), 1)).toBe("198.51.100.7");
    expect(clientAddress(xff("6.6.6.6, 198.51.100.7, 10.0.0.3, 10.0.0.2"), 2)).toBe("198.51.100.7");
    expect(clientAddress(xff("198.51.100.7"), 3)).toBe("198.51.100.7");
  });

  it("reads repeated headers as one list, and Headers objects", () => {
    expect(forwardedForEntries({ "x-forwarded-for": ["1.1.1.1, 2.2.2.2", " 3.3.3.3 "] })).toEqual(["1.1.1.1", "2.2.2.2", "3.3.3.3"]);
    expect(clientAddress(new Headers({ "X-Forwarded-For": "1.1.1.1, 2.2.2.2" }), 0)).toBe("2.2.2.2");
  });

  it("counts requests without any address together", () => {
    expect(clientAddress({}, 0)).toBe(UNKNOWN_CLIENT_ADDRESS);
    expect(clientAddress(xff(" , "), 0)).toBe(UNKNOWN_CLIENT_ADDRESS);
  });
});

describe("throttleAddress", () => {
  it("normalises IPv4 forms", () => {
    expect(throttleAddress("::ffff:192.0.2.1")).toBe("192.0.2.1");
    expect(throttleAddress("192.0.2.1:51234")).toBe("192.0.2.1");
  });

  it("groups IPv6 by /64 (one subscriber's prefix), in any notation", () => {
    expect(throttleAddress("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(throttleAddress("2001:0DB8:0001:0002:ffff:ffff:ffff:ffff")).toBe("2001:db8:1:2::/64");
    expect(throttleAddress("[2001:db8:1:2::5]:443")).toBe("2001:db8:1:2::/64");
    expect(throttleAddress("::1")).toBe("0:0:0:0::/64");
    expect(throttleAddress("fe80::1%eth0")).toBe("fe80:0:0:0::/64");
  });

  it("keeps anything else verbatim (capped), so it is still counted", () => {
    expect(throttleAddress("unknown")).toBe("unknown");
    expect(throttleAddress("x".repeat(500))).toHaveLength(100);
  });
});

describe("the X-Forwarded-For hook (installed in Next's server process by instrumentation.ts)", () => {
  let url: string;
  let close: () => Promise<void>;
  const seen: (string | undefined)[] = [];

  beforeAll(async () => {
    appendSocketAddressToForwardedFor();
    appendSocketAddressToForwardedFor(); // idempotent: one append per request, not two
    const server = createServer((req, res) => {
      const value = req.headers["x-forwarded-for"];
      seen.push(Array.isArray(value) ? value.join(", ") : value);
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  });
  afterAll(async () => close?.());

  it("appends the socket peer, so a client-sent header can't pose as the last hop", async () => {
    await fetch(url);
    await fetch(url, { headers: { "X-Forwarded-For": "6.6.6.6" } });
    await fetch(url, { headers: { "X-Forwarded-For": "6.6.6.6, 7.7.7.7" } });
    expect(seen).toEqual(["127.0.0.1", "6.6.6.6, 127.0.0.1", "6.6.6.6, 7.7.7.7, 127.0.0.1"]);
    expect(seen.map((value) => clientAddress({ "x-forwarded-for": value }, 0))).toEqual(["127.0.0.1", "127.0.0.1", "127.0.0.1"]);
  });
});

describe("TRUST_PROXY_HOPS", () => {
  const base = { NEXTAUTH_SECRET: "x".repeat(32) };

  it("defaults to 0 and accepts a small whole number", () => {
    expect(parseEnv(base).trustProxyHops).toBe(0);
    expect(parseEnv({ ...base, TRUST_PROXY_HOPS: "2" }).trustProxyHops).toBe(2);
  });

  it("refuses anything else, naming the variable", () => {
    for (const value of ["-1", "1.5", "abc", "11"])
      expect(() => parseEnv({ ...base, TRUST_PROXY_HOPS: value })).toThrow(/TRUST_PROXY_HOPS/);
  });
});
