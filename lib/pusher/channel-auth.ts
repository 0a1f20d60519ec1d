import "server-only";

import { crossSiteRefusal } from "@/lib/auth/same-origin";
import {
  checkLoadedSessionUser,
  checkSessionClaims,
  decodeSessionCookie,
  describeRejection,
  SESSION_USER_SELECT,
  type SessionUser,
} from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { jsonResponse } from "@/lib/http/json-response";
import { countRefusal } from "@/lib/inspector/refusals";
import { noteInspectorAuthorized } from "@/lib/pusher/admin-feed";
import { CONNECTION_CHANNEL_PREFIX, parseAdminFeedChannel, socketIdFromConnectionChannel } from "@/lib/pusher/channel-names";
import { pusherServer } from "@/lib/pusher/server";
import { firstIssueMessage } from "@/lib/validation/first-issue-message";
import { channelAuthBodySchema, readFormFields } from "@/lib/validation/pusher";

export type ChannelDecision = { allow: true } | { allow: false; reason: string };

const NOT_SIGNED_IN_AS_YOU = "This socket is not signed in as you. Call pusher.signin() first.";

/** Why a socket may not join this connection channel by its name alone, or null. */
function connectionChannelProblem(socketId: string, channel: string): string | null {
  const channelSocketId = socketIdFromConnectionChannel(channel);
  if (!channelSocketId) return "Malformed connection channel name.";
  // A socket may only occupy its own connection channel: occupying another socket's channel would
  // let it fake that socket's liveness on the admin roster.
  if (channelSocketId !== socketId) return "A connection channel can only be joined by its own socket.";
  return null;
}

/**
 * The session check and the connection-channel check of every tab's sign-in in one query: the
 * socket's roster row with its user. Same verdicts as authenticateRequest + decideChannelAccess;
 * only when the row is missing or another user's does it fall back to the separate session check,
 * so that a bad session still answers 401 rather than 403.
 */
async function connectionChannelAnswer(
  claims: Awaited<ReturnType<typeof decodeSessionCookie>>,
  socketId: string,
  channel: string,
): Promise<Response> {
  const problem = connectionChannelProblem(socketId, channel);
  const row = problem
    ? null
    : await db.realtimeConnection.findUnique({ where: { socketId }, select: { userId: true, user: { select: SESSION_USER_SELECT } } });
  const session = row && row.userId === claims?.id ? checkLoadedSessionUser(row.user, claims) : await checkSessionClaims(claims);
  if (!session.ok) return refuse(session.reason === "banned" ? 403 : 401, describeRejection(session), session.reason);
  if (problem) return refuse(403, problem, "channel-denied");
  if (!row || row.userId !== session.user.id) return refuse(403, NOT_SIGNED_IN_AS_YOU, "channel-denied");
  return jsonResponse(pusherServer.authorizeChannel(socketId, channel));
}

/**
 * Which private channels a session may join. Deny by default: only the two channel families the
 * app uses are ever signed.
 */
export async function decideChannelAccess(user: SessionUser, socketId: string, channel: string): Promise<ChannelDecision> {
  const adminChannel = parseAdminFeedChannel(channel);
  if (adminChannel) {
    if (user.role !== "ADMIN") return { allow: false, reason: "Admin channels are for administrators only." };
    // Only the admin's own channels of their current session generation: a name from before a
    // revocation (or another admin's) is never signed, so nothing can re-join a cut-off feed.
    if (adminChannel.userId !== user.id || adminChannel.sessionVersion !== user.sessionVersion) {
      return { allow: false, reason: "This admin channel belongs to another admin session. Reload the page." };
    }
    if (adminChannel.kind === "inspector") noteInspectorAuthorized(channel);
    return { allow: true };
  }

  if (channel.startsWith(CONNECTION_CHANNEL_PREFIX)) {
    const problem = connectionChannelProblem(socketId, channel);
    if (problem) return { allow: false, reason: problem };
    const connection = await db.realtimeConnection.findUnique({ where: { socketId }, select: { userId: true } });
    if (!connection || connection.userId !== user.id) return { allow: false, reason: NOT_SIGNED_IN_AS_YOU };
    return { allow: true };
  }

  return { allow: false, reason: `Channel ${channel} is not available to this app's clients.` };
}

/**
 * POST /pusher/auth — pusher-js asks here before subscribing to a private channel
 * (`socket_id` and `channel_name`, form-encoded).
 */
export async function handleChannelAuth(request: Request): Promise<Response> {
  const crossSite = crossSiteRefusal(request);
  if (crossSite) return refuse(403, crossSite, "cross-site");

  // Decoded only: no token at all is refused before the body is read, the database check follows.
  const claims = await decodeSessionCookie(request);
  if (!claims) return refuse(401, describeRejection({ ok: false, reason: "unauthenticated" }), "unauthenticated");

  const form = await readFormFields(request);
  if (!form.ok) return refuse(form.status, form.error, form.status === 413 ? "body-too-large" : "bad-request");
  const body = channelAuthBodySchema.safeParse(form.fields);
  if (!body.success) return refuse(400, firstIssueMessage(body.error), "bad-request");

  const { socket_id: socketId, channel_name: channel } = body.data;
  if (channel.startsWith(CONNECTION_CHANNEL_PREFIX)) return connectionChannelAnswer(claims, socketId, channel);

  const session = await checkSessionClaims(claims);
  if (!session.ok) return refuse(session.reason === "banned" ? 403 : 401, describeRejection(session), session.reason);
  const decision = await decideChannelAccess(session.user, socketId, channel);
  if (!decision.allow) return refuse(403, decision.reason, "channel-denied");

  return jsonResponse(pusherServer.authorizeChannel(socketId, channel));
}

function refuse(status: 400 | 401 | 403 | 413, error: string, reason: string): Response {
  countRefusal("/pusher/auth", status, reason);
  return jsonResponse({ error }, status);
}
