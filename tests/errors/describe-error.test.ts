import { describe, expect, it } from "vitest";

import { describeError } from "@/lib/errors/describe-error";

describe("describeError", () => {
  it("keeps the message and adds what a pusher RequestError carries", () => {
    const error = Object.assign(new Error("Unexpected status code 403"), { status: 403, body: " Invalid signature \n" });
    expect(describeError(error)).toBe("Unexpected status code 403 (HTTP 403 Invalid signature)");
  });

  it("is never empty: an Error without a message is named by its class and code", () => {
    const error = Object.assign(new TypeError(""), { code: "ECONNREFUSED" });
    expect(describeError(error)).toBe("TypeError (ECONNREFUSED)");
    expect(describeError(new Error(""))).toBe("Error");
  });

  it("prints what was thrown when it is not an Error", () => {
    expect(describeError("timeout")).toBe("timeout");
    expect(describeError(undefined)).toBe("undefined");
  });

  it("is one line: Prisma's multi-line messages (which start with a newline) are folded and capped", () => {
    const prisma = new Error("\nInvalid `prisma.metricMinute.upsert()` invocation:\n\n\nCan't reach database server at 127.0.0.1:5432");
    expect(describeError(prisma)).toBe("Invalid `prisma.metricMinute.upsert()` invocation: Can't reach database server at 127.0.0.1:5432");
    expect(describeError(new Error("x".repeat(1_000))).length).toBe(300);
  });
});
