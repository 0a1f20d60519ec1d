import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { clientPool, createUser, request, resetDatabase, sessionCookie, startHarness, type Harness } from "@/tests/support/app-harness";

let harness: Harness;
let csv: typeof import("@/lib/admin/audit-csv");
let query: typeof import("@/lib/admin/audit-query");
let writeAudit: typeof import("@/lib/admin/audit").writeAudit;
let exportRoute: typeof import("@/app/api/admin/audit/export/route");
const clients = clientPool(() => harness);

type User = Awaited<ReturnType<typeof createUser>>;
let admin: User;
let otherAdmin: User;
let alice: User;
let bob: User;
let adminCookie: string;

beforeAll(async () => {
  harness = await startHarness();
  csv = await import("@/lib/admin/audit-csv");
  query = await import("@/lib/admin/audit-query");
  ({ writeAudit } = await import("@/lib/admin/audit"));
  exportRoute = await import("@/app/api/admin/audit/export/route");
});

afterAll(async () => {
  clients.disconnectAll();
  await harness?.close();
});

beforeEach(async () => {
  clients.disconnectAll();
  await resetDatabase(harness);
  admin = await createUser(harness, { name: "Ada Admin", email: "ada@example.com", role: "ADMIN" });
  otherAdmin = await createUser(harness, { name: "Otto Admin", email: "otto@example.com", role: "ADMIN" });
  alice = await createUser(harness, { name: "Alice", email: "alice@example.com" });
  bob = await createUser(harness, { name: "Bob", email: "bob@example.org" });
  adminCookie = await sessionCookie(admin);
});

const post = (pathname: string, json?: unknown) => request(pathname, { cookie: adminCookie, json });

function exportCsv(search = "", cookie: string | null = adminCookie) {
  return exportRoute.GET(new Request(`http://127.0.0.1:3000/api/admin/audit/export${search}`, { headers: cookie ? { cookie } : {} }));
}

/** Rows written directly, at chosen times, for the filter tests. */
async function seedRows() {
  const at = (iso: string) => new Date(iso);
  await harness.db.auditLog.createMany({
    data: [
      {
        actorId: admin.id,
        action: "kick",
        targetUserId: alice.id,
        summary: "Kicked Alice",
        result: "ok",
        createdAt: at("2026-03-01T09:00:00Z"),
      },
      {
        actorId: admin.id,
        action: "message",
        targetUserId: bob.id,
        summary: "Message to Bob",
        result: "ok",
        createdAt: at("2026-03-02T23:59:59Z"),
      },
      {
        actorId: otherAdmin.id,
        action: "ban",
        targetUserId: alice.id,
        summary: "Banned Alice",
        result: "ok",
        createdAt: at("2026-03-03T00:00:00Z"),
      },
      {
        actorId: otherAdmin.id,
        action: "unban",
        targetUserId: alice.id,
        summary: "Unbanned Alice",
        result: "ok",
        createdAt: at("2026-03-04T12:00:00Z"),
      },
      {
        actorId: admin.id,
        action: "broadcast",
        targetUserId: null,
        summary: "Broadcast to everyone",
        result: "error: boom",
        createdAt: at("2026-03-05T12:00:00Z"),
      },
    ],
  });
}

async function summaries(search: string): Promise<string[]> {
  const parsed = query.parseAuditQuery(new URLSearchParams(search));
  if (!parsed.ok) throw new Error(parsed.error);
  const where = await query.auditWhere(parsed.filters);
  if (!where.ok) throw new Error(where.error);
  return (await query.getAuditPage(where.where, parsed.page)).rows.map((row) => row.summary);
}

describe("every admin action is audited", () => {
  it("message, kick, sign-out-everywhere, ban and unban each leave one row with actor, target, summary, result and time", async () => {
    const { handleSendMessage } = await import("@/lib/admin/send-message");
    const { handleKickUser } = await import("@/lib/admin/kick");
    const { handleSignOutEverywhere } = await import("@/lib/admin/sign-out-everywhere");
    const { handleBanUser } = await import("@/lib/admin/ban-user");
    const { handleUnbanUser } = await import("@/lib/admin/unban");
    await clients.connect(alice.id);

    const before = Date.now();
    expect((await handleSendMessage(post("/m", { message: "Hello" }), alice.id)).status).toBe(200);
    expect((await handleKickUser(post("/k"), alice.id)).status).toBe(200);
    expect((await handleSignOutEverywhere(post("/s"), bob.id)).status).toBe(200);
    expect((await handleBanUser(post("/b", { reason: "=cmd|' /C calc'!A0" }), alice.id)).status).toBe(200);
    expect((await handleUnbanUser(post("/u"), alice.id)).status).toBe(200);
    // Broadcasts are another engineer's endpoint; the helper must accept a row without a single target.
    await writeAudit({ actorId: admin.id, action: "broadcast", targetUserId: null, summary: "Broadcast to 2 users", result: "ok" });

    const rows = await harness.db.auditLog.findMany({ orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
    expect(rows.map((row) => row.action)).toEqual(["message", "kick", "sign-out-everywhere", "ban", "unban", "broadcast"]);
    for (const row of rows) {
      expect(row.actorId).toBe(admin.id);
      expect(row.result).toBe("ok");
      expect(row.createdAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
    }
    expect(rows.map((row) => row.targetUserId)).toEqual([alice.id, alice.id, bob.id, alice.id, alice.id, null]);
    expect(rows[0]!.summary).toMatch(/^Message to Alice \(alice@example.com\), 5 characters$/);
    expect(rows[1]!.summary).toBe("Kicked Alice (alice@example.com); 1 connection closed");
    expect(rows[2]!.summary).toBe("Signed out Bob (bob@example.org) on all devices; 0 connections closed");
    expect(rows[3]!.summary).toBe("Banned Alice (alice@example.com) permanently: =cmd|' /C calc'!A0; 0 connections closed");
    expect(rows[4]!.summary).toBe("Unbanned Alice (alice@example.com); the ban's reason was: =cmd|' /C calc'!A0");
  });

  it("no app code updates or deletes audit rows", () => {
    const root = path.resolve(__dirname, "../..");
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const file = path.join(dir, name);
        if (statSync(file).isDirectory()) {
          if (name !== "generated" && name !== "node_modules") walk(file);
        } else if (
          /\.tsx?$/.test(name) &&
          /auditLog\s*\.\s*(update|updateMany|upsert|delete|deleteMany)\b|"AuditLog"[^;]*\b(UPDATE|DELETE)\b/i.test(
            readFileSync(file, "utf8"),
          )
        ) {
          offenders.push(path.relative(root, file));
        }
      }
    };
    for (const dir of ["app", "lib", "components", "scripts"]) walk(path.join(root, dir));
    expect(offenders).toEqual([]);
  });
});

describe("filters", () => {
  beforeEach(seedRows);

  it("lists newest first without filters", async () => {
    expect(await summaries("")).toEqual(["Broadcast to everyone", "Unbanned Alice", "Banned Alice", "Message to Bob", "Kicked Alice"]);
  });

  it("filter by action, actor email (part, any case), target email or id", async () => {
    expect(await summaries("action=ban")).toEqual(["Banned Alice"]);
    expect(await summaries("actor=OTTO@")).toEqual(["Unbanned Alice", "Banned Alice"]);
    expect(await summaries("target=alice@example.com")).toEqual(["Unbanned Alice", "Banned Alice", "Kicked Alice"]);
    expect(await summaries(`target=${bob.id}`)).toEqual(["Message to Bob"]);
    expect(await summaries("target=example.org")).toEqual(["Message to Bob"]);
    expect(await summaries("action=kick&actor=otto")).toEqual([]);
    expect(await summaries("target=nobody@example.com")).toEqual([]);
  });

  it("filter by UTC day, both ends inclusive", async () => {
    expect(await summaries("from=2026-03-02&to=2026-03-03")).toEqual(["Banned Alice", "Message to Bob"]);
    expect(await summaries("from=2026-03-04")).toEqual(["Broadcast to everyone", "Unbanned Alice"]);
    expect(await summaries("to=2026-03-01")).toEqual(["Kicked Alice"]);
  });

  it("empty fields mean no filter; invalid ones are explained", () => {
    expect(query.parseAuditQuery(new URLSearchParams("action=&actor=&target=&from=&to=&page="))).toEqual({
      ok: true,
      filters: {},
      page: 1,
    });
    const errors: [string, RegExp][] = [
      ["action=delete", /Action must be one of/],
      ["from=2026-02-30", /From must be a date/],
      ["to=yesterday", /To must be a date/],
      ["from=2026-03-05&to=2026-03-01", /From must not be after To/],
      ["page=0", /Page must be 1 or more/],
      ["page=two", /Page must be a number/],
    ];
    for (const [search, error] of errors) {
      const parsed = query.parseAuditQuery(new URLSearchParams(search));
      expect(parsed.ok, search).toBe(false);
      if (!parsed.ok) expect(parsed.error).toMatch(error);
    }
  });

  it("round-trips filters through the query string used by links and the export", () => {
    const parsed = query.parseAuditQuery(new URLSearchParams("action=ban&actor=ada&target=a%26b&from=2026-03-01&to=2026-03-02&page=3"));
    expect(parsed).toEqual({
      ok: true,
      filters: { action: "ban", actor: "ada", target: "a&b", from: "2026-03-01", to: "2026-03-02" },
      page: 3,
    });
    if (!parsed.ok) return;
    expect(query.auditQueryString(parsed.filters, parsed.page)).toBe(
      "?action=ban&actor=ada&target=a%26b&from=2026-03-01&to=2026-03-02&page=3",
    );
    expect(query.auditQueryString({})).toBe("");
  });

  it("paginates 50 per page without overlap, even for rows written in the same millisecond", async () => {
    const same = new Date("2026-04-01T00:00:00Z");
    await harness.db.auditLog.createMany({
      data: Array.from({ length: 120 }, (_, index) => ({
        actorId: admin.id,
        action: "message",
        targetUserId: bob.id,
        summary: `bulk ${index}`,
        result: "ok",
        createdAt: same,
      })),
    });
    const where = await query.auditWhere({ action: "message", target: bob.id });
    if (!where.ok) throw new Error(where.error);
    const pages = await Promise.all([1, 2, 3, 4].map((page) => query.getAuditPage(where.where, page)));
    expect(pages.map((page) => page.rows.length)).toEqual([50, 50, 21, 0]);
    expect(pages[0]).toMatchObject({ total: 121, pageCount: 3 });
    const ids = pages.flatMap((page) => page.rows.map((row) => row.id));
    expect(new Set(ids).size).toBe(121);
    expect(pages[0]!.rows[0]).toMatchObject({
      action: "message",
      actor: { id: admin.id, name: "Ada Admin", email: "ada@example.com" },
      target: { id: bob.id, name: "Bob", email: "bob@example.org" },
    });
  });
});

describe("CSV cells", () => {
  it("quotes per RFC 4180 and defuses formulas", () => {
    expect(csv.csvCell("plain")).toBe("plain");
    expect(csv.csvCell(null)).toBe("");
    expect(csv.csvCell('say "hi", then\nleave')).toBe('"say ""hi"", then\nleave"');
    expect(csv.csvCell("=1+1")).toBe("'=1+1");
    expect(csv.csvCell("+1")).toBe("'+1");
    expect(csv.csvCell("-1")).toBe("'-1");
    expect(csv.csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csv.csvCell("\tx")).toBe("'\tx");
    expect(csv.csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csv.csvCell("a=b")).toBe("a=b");
    expect(csv.csvLine(["a", "b,c"])).toBe('a,"b,c"\r\n');
  });
});

describe("GET /api/admin/audit/export", () => {
  beforeEach(seedRows);

  it("answers 401 without a session, 403 for a non-admin, 400 for a bad filter", async () => {
    expect((await exportCsv("", null)).status).toBe(401);
    const forbidden = await exportCsv("", await sessionCookie(alice));
    expect(forbidden.status).toBe(403);
    expect((await forbidden.json()).error).toMatch(/ADMIN role/);
    const bad = await exportCsv("?action=delete");
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatch(/Action must be one of/);
  });

  it("downloads the filtered rows as CSV, newest first, with people resolved", async () => {
    const response = await exportCsv("?actor=ada&from=2026-03-02");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toBe(`attachment; filename="audit-${new Date().toISOString().slice(0, 10)}.csv"`);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const lines = (await response.text()).split("\r\n");
    expect(lines).toEqual([
      "time,action,actor_email,actor_name,actor_id,target_email,target_name,target_id,summary,result",
      `2026-03-05T12:00:00.000Z,broadcast,ada@example.com,Ada Admin,${admin.id},,,,Broadcast to everyone,error: boom`,
      `2026-03-02T23:59:59.000Z,message,ada@example.com,Ada Admin,${admin.id},bob@example.org,Bob,${bob.id},Message to Bob,ok`,
      "",
    ]);
  });

  it("quotes and defuses hostile values end to end, and keeps rows of deleted users", async () => {
    await harness.db.auditLog.deleteMany();
    const mallory = await createUser(harness, { name: '=HYPERLINK("http://evil","x")', email: "mallory@example.com" });
    await harness.db.auditLog.create({
      data: { actorId: admin.id, action: "ban", targetUserId: mallory.id, summary: '-2+3, "quoted"\nsecond line', result: "@risk" },
    });
    await harness.db.auditLog.create({
      data: { actorId: admin.id, action: "kick", targetUserId: "gone-user-id", summary: "Kicked someone", result: "ok" },
    });

    const text = await (await exportCsv()).text();
    const body = text.slice(text.indexOf("\r\n") + 2);
    expect(body).toContain(
      `ban,ada@example.com,Ada Admin,${admin.id},mallory@example.com,"'=HYPERLINK(""http://evil"",""x"")",${mallory.id},"'-2+3, ""quoted""\nsecond line",'@risk\r\n`,
    );
    expect(body).toContain(`kick,ada@example.com,Ada Admin,${admin.id},,,gone-user-id,Kicked someone,ok\r\n`);
  });

  it("streams more rows than one batch without losing or repeating any", async () => {
    await harness.db.auditLog.createMany({
      data: Array.from({ length: 1203 }, (_, index) => ({
        actorId: admin.id,
        action: "message",
        targetUserId: bob.id,
        summary: `bulk ${index}`,
        result: "ok",
      })),
    });
    const lines = (await (await exportCsv("?action=message")).text()).trimEnd().split("\r\n");
    expect(lines).toHaveLength(1 + 1204);
    expect(new Set(lines).size).toBe(lines.length);
  });
});
