import "server-only";

import { createHmac, timingSafeEqual } from "node:crypto";

import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { publishActivity } from "@/lib/inspector/publish";
import { socketIdFromConnectionChannel } from "@/lib/pusher/channels";
import { pusherServer } from "@/lib/pusher/server";
import { notifyRosterChanged } from "@/lib/roster/notify";

/*
 * POST /api/pusher/webhook: the roster learns here that a signed-in socket really is connected
 * (channel_occupied on its private-connection-{socketId} channel) and when it is gone
 * (channel_vacated). Webhooks are retried, duplicated and reordered, so every event is applied
 * idempotently: vacated deletes the row; occupied only updates a row that still exists, so a
 * late or duplicated occupied can never resurrect a closed connection.
 */

interface WebhookEvent {
  name: string;
  channel?: string;
}

function json(body: unknown, status: number): Response {
  return Response.json(body, { status, headers: { "Cache-Control": "no-store" } });
}

/** The SDK reads headers from a plain object with lower-cased keys, as Node's IncomingMessage has. */
function headerObject(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, key) => {
    out[key.toLowerCase()] = value;
  });
  return out;
}

/**
 * The SDK's isValid() only says yes or no. When it says no, work out which check failed so the
 * operator sees a useful reason in the webhook log instead of a bare 401.
 */
function rejectionReason(headers: Record<string, string>, rawBody: string): { status: 400 | 401; error: string } {
  const contentType = headers["content-type"];
  if (contentType !== "application/json") {
    return { status: 401, error: `Content-Type must be exactly "application/json" (got ${contentType ? JSON.stringify(contentType) : "none"})` };
  }
  if (!headers["x-pusher-key"]) return { status: 401, error: "Missing X-Pusher-Key header" };
  if (headers["x-pusher-key"] !== env.pusher.key) return { status: 401, error: "X-Pusher-Key does not match this app's key" };
  const signature = headers["x-pusher-signature"];
  if (!signature) return { status: 401, error: "Missing X-Pusher-Signature header" };
  if (!signatureMatches(rawBody, signature)) return { status: 401, error: "X-Pusher-Signature does not match the body" };
  // Correctly signed but the SDK still refused it: the body is not JSON.
  return { status: 400, error: "Body is not valid JSON" };
}

function signatureMatches(rawBody: string, signature: string): boolean {
  const expected = Buffer.from(createHmac("sha256", env.pusher.secret).update(rawBody).digest("hex"));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

function parseEvents(data: unknown): WebhookEvent[] | null {
  if (typeof data !== "object" || data === null) return null;
  const events = (data as { events?: unknown }).events;
  if (!Array.isArray(events)) return null;
  const parsed: WebhookEvent[] = [];
  for (const event of events) {
    if (typeof event !== "object" || event === null || typeof (event as { name?: unknown }).name !== "string") return null;
    const channel = (event as { channel?: unknown }).channel;
    parsed.push({ name: (event as { name: string }).name, channel: typeof channel === "string" ? channel : undefined });
  }
  return parsed;
}

interface RosterChange {
  userId: string;
  /** For the inspector line; read in the same query as the row. */
  userName: string;
  socketId: string;
  reason: "connection-confirmed" | "connection-closed";
}

/** Applies one event; returns the affected user when the roster changed. */
async function applyEvent(event: WebhookEvent, now: Date): Promise<RosterChange | null> {
  // Other channels (the admin channel, #server-to-user-*, anything else) don't concern the roster.
  const socketId = event.channel ? socketIdFromConnectionChannel(event.channel) : null;
  if (!socketId) return null;

  if (event.name === "channel_occupied") {
    const row = await db.realtimeConnection.findUnique({ where: { socketId }, select: { userId: true, confirmedAt: true, user: { select: { name: true } } } });
    if (!row) return null;
    // updateMany, not update: the row may be deleted by a concurrent vacated/kick in between.
    const { count } = await db.realtimeConnection.updateMany({
      where: { socketId },
      data: { confirmedAt: row.confirmedAt ?? now, lastActivityAt: now },
    });
    // A duplicate only refreshes activity; admins only need to refetch on the first confirmation.
    return count > 0 && !row.confirmedAt ? { userId: row.userId, userName: row.user.name, socketId, reason: "connection-confirmed" } : null;
  }

  if (event.name === "channel_vacated") {
    const row = await db.realtimeConnection.findUnique({ where: { socketId }, select: { userId: true, user: { select: { name: true } } } });
    if (!row) return null;
    const { count } = await db.realtimeConnection.deleteMany({ where: { socketId } });
    return count > 0 ? { userId: row.userId, userName: row.user.name, socketId, reason: "connection-closed" } : null;
  }

  return null;
}

export async function handlePusherWebhook(request: Request): Promise<Response> {
  // The signature covers the exact bytes sent, so read the raw text before anything parses it.
  const rawBody = await request.text();
  const headers = headerObject(request.headers);

  // The SDK throws (rather than answering false) when the signature header is missing.
  if (!headers["x-pusher-signature"] || !headers["x-pusher-key"]) {
    const { status, error } = rejectionReason(headers, rawBody);
    return rejected(status, error, "rejected", rawBody);
  }
  const webhook = pusherServer.webhook({ headers, rawBody });
  if (!webhook.isValid()) {
    const { status, error } = rejectionReason(headers, rawBody);
    return rejected(status, error, status === 400 ? "valid" : "rejected", rawBody);
  }

  const events = parseEvents(webhook.getData());
  if (!events) return rejected(400, 'Body must be {"time_ms": number, "events": [{"name": string, ...}]}', "valid", rawBody);
  publishWebhookAccepted(events);

  const now = new Date();
  const changes: RosterChange[] = [];
  // Sequential on purpose: Pusher orders events within one delivery, and occupied+vacated for the
  // same channel in one batch must end with the row deleted.
  for (const event of events) {
    const change = await applyEvent(event, now);
    if (change) {
      changes.push(change);
      publishRosterChange(change);
    }
  }

  if (changes.length > 0) {
    const users = new Set(changes.map((change) => change.userId));
    const reason = changes.some((change) => change.reason === "connection-closed") ? "connection-closed" : "connection-confirmed";
    // Awaited (one local HTTP call, and it never throws) so serverless runtimes don't cut it off.
    await notifyRosterChanged(reason, users.size === 1 ? [...users][0]! : null);
  }
  return json({ ok: true }, 200);
}

// ------------------------------------------------------------------------------------------------
// Live inspector lines. Never the signature or the secret: only what was checked and the verdict.

/** Enough of a batch to see what it was about without flooding the admin channel. */
const EVENTS_IN_DETAIL = 20;

function rejected(status: 400 | 401, error: string, signature: "valid" | "rejected", rawBody: string): Response {
  void publishActivity({
    kind: "webhook",
    summary: `Webhook rejected (${status}): ${error}`,
    detail: { verdict: "rejected", signature, status, reason: error, bytes: rawBody.length },
  });
  return json({ ok: false, error }, status);
}

function publishWebhookAccepted(events: WebhookEvent[]): void {
  const listed = events.slice(0, EVENTS_IN_DETAIL).map((event) => (event.channel ? `${event.name} ${event.channel}` : event.name));
  const more = events.length > listed.length ? `, +${events.length - listed.length} more` : "";
  void publishActivity({
    kind: "webhook",
    summary: `Webhook accepted, signature valid: ${events.length} event${events.length === 1 ? "" : "s"} (${listed.join(", ")}${more})`,
    detail: { verdict: "accepted", signature: "valid", events: events.slice(0, EVENTS_IN_DETAIL) },
  });
}

function publishRosterChange({ userId, userName, socketId, reason }: RosterChange): void {
  void publishActivity(
    reason === "connection-confirmed"
      ? { kind: "connection-confirmed", userId, summary: `${userName}'s connection ${socketId} confirmed (channel_occupied)`, detail: { socketId } }
      : { kind: "disconnect", userId, summary: `${userName}'s connection ${socketId} closed (channel_vacated)`, detail: { socketId } },
  );
}
