import "server-only";

import { createHmac, timingSafeEqual } from "node:crypto";

import { z } from "zod";

import { acknowledgeDoctorProbes } from "@/lib/doctor/probe-ack";
import { env } from "@/lib/env";
import { jsonResponse } from "@/lib/http/json-response";
import { readCappedBody } from "@/lib/http/read-capped-body";
import { publishActivity } from "@/lib/inspector/publish";
import { countRefusal } from "@/lib/inspector/refusals";
import { noteInspectorWebhookEvents } from "@/lib/pusher/admin-feed";
import { socketIdFromConnectionChannel } from "@/lib/pusher/channel-names";
import { closeConnection, confirmConnection, notifyConnectionChanges, type ConnectionChange } from "@/lib/roster/connection-events";

/*
 * POST /api/pusher/webhook: the roster learns here that a signed-in socket really is connected
 * (channel_occupied on its private-connection-{socketId} channel) and when it is gone
 * (channel_vacated). This module verifies a delivery (size, signature, shape, freshness), parses it
 * and dispatches its events; the roster writes, each idempotent since webhooks are retried,
 * duplicated and reordered, are lib/roster/connection-events.ts.
 */

/**
 * Largest delivery read. Hosted Pusher batches events into one POST, and a burst of connections
 * (a deploy reconnecting every tab) makes large batches; each event is ~100 bytes, so 256 KiB holds
 * a couple of thousand. Anything larger is refused (413) at that many bytes, never buffered whole.
 */
export const WEBHOOK_MAX_BODY_BYTES = 256 * 1024;

/**
 * Deliveries whose `time_ms` is older than this are refused (401), so a captured delivery can't be
 * replayed later. Hosted Pusher retries a failed delivery for up to 5 minutes, re-sending the same
 * body (and so the same time_ms), and the embedded server does the same (webhookRetry.maxDurationMs,
 * 5 min); the other 5 minutes absorb clock skew between Pusher and this host and a slow network.
 * Within the window a replay changes nothing: every event is applied idempotently (see below).
 */
export const WEBHOOK_MAX_AGE_MS = 10 * 60_000;

/** How far ahead of this host's clock time_ms may be (clock skew); a later one is refused too. */
export const WEBHOOK_MAX_CLOCK_SKEW_MS = 60_000;

const webhookBodySchema = z.object({
  time_ms: z.number().int().nonnegative(),
  events: z.array(
    z.object({
      name: z.string(),
      // Events of other kinds may carry other shapes; only a string channel concerns the roster.
      channel: z.unknown().transform((channel) => (typeof channel === "string" ? channel : undefined)),
    }),
  ),
});

type WebhookEvent = z.output<typeof webhookBodySchema>["events"][number];

const BODY_SHAPE = 'Body must be {"time_ms": number, "events": [{"name": string, ...}]}';

/**
 * The header checks Pusher's SDK makes (`pusher.webhook(req).isValid()`), each with its own reason
 * so the operator sees which one failed instead of a bare 401.
 */
function headerProblem(headers: Headers): string | null {
  const contentType = headers.get("content-type");
  if (contentType !== "application/json") {
    return `Content-Type must be exactly "application/json" (got ${contentType ? JSON.stringify(contentType) : "none"})`;
  }
  const key = headers.get("x-pusher-key");
  if (!key) return "Missing X-Pusher-Key header";
  if (key !== env.pusher.key) return "X-Pusher-Key does not match this app's key";
  if (!headers.get("x-pusher-signature")) return "Missing X-Pusher-Signature header";
  return null;
}

/**
 * HMAC-SHA256 over the exact bytes received. Not over decoded text: decoding replaces invalid UTF-8
 * with U+FFFD, so different byte strings would share one signature.
 */
function signatureMatches(body: Buffer, signature: string): boolean {
  const expected = Buffer.from(createHmac("sha256", env.pusher.secret).update(body).digest("hex"));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** Why a correctly signed time_ms is refused, or null. */
function staleness(timeMs: number, now: number): string | null {
  if (timeMs < now - WEBHOOK_MAX_AGE_MS) {
    return `time_ms is ${Math.round((now - timeMs) / 1000)} s old: deliveries older than ${WEBHOOK_MAX_AGE_MS / 60_000} minutes are refused (a replay or a delivery retried for too long)`;
  }
  if (timeMs > now + WEBHOOK_MAX_CLOCK_SKEW_MS) {
    return `time_ms is ${Math.round((timeMs - now) / 1000)} s in the future: more than ${WEBHOOK_MAX_CLOCK_SKEW_MS / 1000} s ahead of this server's clock`;
  }
  return null;
}

/**
 * Checks a delivery in order: size (413), headers and signature over the raw bytes (401), then,
 * only for a correctly signed body, UTF-8 and JSON and shape (400) and freshness (401).
 */
async function verifyDelivery(request: Request): Promise<{ events: WebhookEvent[] } | { response: Response }> {
  const body = await readCappedBody(request, WEBHOOK_MAX_BODY_BYTES);
  if (!body.ok) return { response: rejected(body.status, body.error, "rejected") };

  const problem = headerProblem(request.headers);
  if (problem) return { response: rejected(401, problem, "rejected") };
  if (!signatureMatches(body.bytes, request.headers.get("x-pusher-signature")!)) {
    return { response: rejected(401, "X-Pusher-Signature does not match the body", "rejected") };
  }

  let data: unknown;
  try {
    data = JSON.parse(strictUtf8.decode(body.bytes));
  } catch {
    return { response: rejected(400, "Body is not valid JSON (UTF-8)", "valid") };
  }
  const parsed = webhookBodySchema.safeParse(data);
  if (!parsed.success) return { response: rejected(400, BODY_SHAPE, "valid") };
  const stale = staleness(parsed.data.time_ms, Date.now());
  if (stale) return { response: rejected(401, stale, "valid") };
  return { events: parsed.data.events };
}

/** Throws on invalid UTF-8 instead of substituting U+FFFD. */
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** Dispatches one event; returns the roster change it made, if any. */
async function applyEvent(event: WebhookEvent, now: Date): Promise<ConnectionChange | null> {
  // Other channels (the admin channel, #server-to-user-*, anything else) don't concern the roster.
  const socketId = event.channel ? socketIdFromConnectionChannel(event.channel) : null;
  if (!socketId) return null;
  if (event.name === "channel_occupied") return confirmConnection(socketId, now);
  if (event.name === "channel_vacated") return closeConnection(socketId);
  return null;
}

export async function handlePusherWebhook(request: Request): Promise<Response> {
  const verified = await verifyDelivery(request);
  if ("response" in verified) return verified.response;
  const { events } = verified;
  noteInspectorWebhookEvents(events);
  publishWebhookAccepted(events);
  // `npm run doctor` / Backend health: answer its probe channel's channel_occupied (lib/doctor/probe-channel.ts).
  await acknowledgeDoctorProbes(events);

  const now = new Date();
  const changes: ConnectionChange[] = [];
  // Sequential on purpose: Pusher orders events within one delivery, and occupied+vacated for the
  // same channel in one batch must end with the row deleted.
  for (const event of events) {
    const change = await applyEvent(event, now);
    if (change) {
      changes.push(change);
      publishRosterChange(change);
    }
  }

  notifyConnectionChanges(changes);
  return jsonResponse({ ok: true });
}

// ------------------------------------------------------------------------------------------------
// Live inspector lines. Never the signature or the secret: only what was checked and the verdict.

/** Enough of a batch to see what it was about without flooding the admin channel. */
const EVENTS_IN_DETAIL = 20;

/**
 * Counted, never published one by one: unsigned or badly signed deliveries cost an attacker nothing,
 * so they must cost the app no Pusher publish either (lib/inspector/refusals.ts reports them).
 */
function rejected(status: 400 | 401 | 413, error: string, signature: "valid" | "rejected"): Response {
  countRefusal("/api/pusher/webhook", status, signature === "valid" ? `signature valid; ${error}` : error);
  return jsonResponse({ ok: false, error }, status);
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

function publishRosterChange({ userId, userName, socketId, reason }: ConnectionChange): void {
  void publishActivity(
    reason === "connection-confirmed"
      ? {
          kind: "connection-confirmed",
          userId,
          summary: `${userName}'s connection ${socketId} confirmed (channel_occupied)`,
          detail: { socketId },
        }
      : { kind: "disconnect", userId, summary: `${userName}'s connection ${socketId} closed (channel_vacated)`, detail: { socketId } },
  );
}
