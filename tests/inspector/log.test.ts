import { describe, expect, it } from "vitest";

import {
  ACTIVITY_KINDS,
  createInspectorLog,
  inspectorReducer,
  matchesFilter,
  parseActivity,
  type Activity,
  type InspectorLog,
} from "@/lib/inspector/activity";

const line = (summary: string, extra: Partial<Activity> = {}): Activity => ({
  kind: "sign-in",
  at: "2026-01-01T00:00:00.000Z",
  userId: null,
  summary,
  ...extra,
});
const receive = (log: InspectorLog, ...summaries: string[]) =>
  summaries.reduce((acc, summary) => inspectorReducer(acc, { type: "receive", activity: line(summary) }), log);
const summaries = (entries: { summary: string }[]) => entries.map((entry) => entry.summary);

describe("inspector log", () => {
  it("shows lines newest first, bounded, counting what fell off", () => {
    const log = receive(createInspectorLog(3), "a", "b", "c", "d");
    expect(summaries(log.entries)).toEqual(["d", "c", "b"]);
    expect(log.dropped).toBe(1);
    expect(new Set(log.entries.map((entry) => entry.seq)).size).toBe(3);
  });

  it("buffers while paused without moving the visible list, and shows the buffer on resume", () => {
    let log = receive(createInspectorLog(), "a");
    log = inspectorReducer(log, { type: "pause" });
    log = receive(log, "b", "c");
    expect(summaries(log.entries)).toEqual(["a"]);
    expect(summaries(log.pending)).toEqual(["c", "b"]);

    log = inspectorReducer(log, { type: "resume" });
    expect(log.paused).toBe(false);
    expect(log.pending).toEqual([]);
    expect(summaries(log.entries)).toEqual(["c", "b", "a"]);
  });

  it("keeps the buffer bounded while paused too", () => {
    let log = inspectorReducer(receive(createInspectorLog(2), "a"), { type: "pause" });
    log = receive(log, "b", "c", "d");
    expect(summaries(log.pending)).toEqual(["d", "c"]);
    log = inspectorReducer(log, { type: "resume" });
    expect(summaries(log.entries)).toEqual(["d", "c"]);
    expect(log.dropped).toBe(2);
  });

  it("clears both lists but keeps pausing and numbering", () => {
    let log = inspectorReducer(receive(createInspectorLog(), "a"), { type: "pause" });
    log = inspectorReducer(receive(log, "b"), { type: "clear" });
    expect(log.entries).toEqual([]);
    expect(log.pending).toEqual([]);
    expect(log.paused).toBe(true);
    expect(receive(log, "c").pending[0]!.seq).toBe(3);
  });

  it("filters by kind and by text in the summary or user id", () => {
    const all = new Set(ACTIVITY_KINDS);
    const entry = line("Alice signed in socket 1.2", { userId: "user-42" });
    expect(matchesFilter(entry, { kinds: all, text: "" })).toBe(true);
    expect(matchesFilter(entry, { kinds: all, text: "  alice " })).toBe(true);
    expect(matchesFilter(entry, { kinds: all, text: "USER-42" })).toBe(true);
    expect(matchesFilter(entry, { kinds: all, text: "bob" })).toBe(false);
    expect(matchesFilter(entry, { kinds: new Set(["webhook"] as const), text: "" })).toBe(false);
  });

  it("parses channel payloads defensively", () => {
    expect(parseActivity({ kind: "webhook", at: "2026-01-01T00:00:00Z", summary: "x", detail: { a: 1 } })).toEqual({
      kind: "webhook",
      at: "2026-01-01T00:00:00Z",
      userId: null,
      summary: "x",
      detail: { a: 1 },
    });
    expect(parseActivity({ kind: "nope", at: "2026-01-01T00:00:00Z", summary: "x" })).toBeNull();
    expect(parseActivity({ kind: "webhook", at: "not a date", summary: "x" })).toBeNull();
    expect(parseActivity("webhook")).toBeNull();
    expect(parseActivity({ kind: "webhook", at: "2026-01-01T00:00:00Z", summary: "x", detail: [1] })?.detail).toBeUndefined();
  });
});
