import "server-only";

import { crossSiteRefusal } from "@/lib/auth/same-origin";
import { authenticateRequest, describeRejection, type SessionUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { countRefusal } from "@/lib/inspector/refusals";
import { noteInspectorAuthorized } from "@/lib/pusher/admin-feed";
import { CONNECTION_CHANNEL_PREFIX, parseAdminFeedChannel, socketIdFromConnectionChannel } from "@/lib/pusher/channels";
import { pusherServer } from "@/lib/pusher/server";
import { jsonResponse } from "@/lib/pusher/user-auth";
import { channelAuthBodySchema, firstIssue, readFormFields } from "@/lib/validation/pusher";

export type ChannelDecision = { allow: true } | { allow: false; reason: string };

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
    const channelSocketId = socketIdFromConnectionChannel(channel);
    if (!channelSocketId) return { allow: false, reason: "Malformed connection channel name." };
    // A socket may only occupy its own connection channel: occupying another socket's channel would
    // let it fake that socket's liveness on the admin roster.
    if (channelSocketId !== socketId) return { allow: false, reason: "A connection channel can only be joined by its own socket." };
    const connection = await db.realtimeConnection.findUnique({ where: { socketId }, select: { userId: true } });
    if (!connection || connection.userId !== user.id) {
      return { allow: false, reason: "This socket is not signed in as you. Call pusher.signin() first." };
    }
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

  const session = await authenticateRequest(request);
  if (!session.ok) return refuse(session.reason === "banned" ? 403 : 401, describeRejection(session), session.reason);

  const form = await readFormFields(request);
  if (!form.ok) return refuse(form.status, form.error, form.status === 413 ? "body-too-large" : "bad-request");
  const body = channelAuthBodySchema.safeParse(form.fields);
  if (!body.success) return refuse(400, firstIssue(body.error), "bad-request");

  const { socket_id: socketId, channel_name: channel } = body.data;
  const decision = await decideChannelAccess(session.user, socketId, channel);
  if (!decision.allow) return refuse(403, decision.reason, "channel-denied");

  return jsonResponse(200, pusherServer.authorizeChannel(socketId, channel));
}

function refuse(status: 400 | 401 | 403 | 413, error: string, reason: string): Response {
  countRefusal("/pusher/auth", status, reason);
  return jsonResponse(status, { error });
}
