import "server-only";

import { crossSiteRefusal } from "@/lib/auth/same-origin";
import { authenticateRequest, describeRejection, type SessionUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { ADMIN_CHANNEL, CONNECTION_CHANNEL_PREFIX, socketIdFromConnectionChannel } from "@/lib/pusher/channels";
import { pusherServer } from "@/lib/pusher/server";
import { jsonResponse } from "@/lib/pusher/user-auth";
import { channelAuthBodySchema, firstIssue, readFormFields } from "@/lib/validation/pusher";

export type ChannelDecision = { allow: true } | { allow: false; reason: string };

/**
 * Which private channels a session may join. Deny by default: only the two channel families the
 * app uses are ever signed.
 */
export async function decideChannelAccess(user: SessionUser, socketId: string, channel: string): Promise<ChannelDecision> {
  if (channel === ADMIN_CHANNEL) {
    return user.role === "ADMIN" ? { allow: true } : { allow: false, reason: `${ADMIN_CHANNEL} is for administrators only.` };
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
  if (crossSite) return jsonResponse(403, { error: crossSite });

  const session = await authenticateRequest(request);
  if (!session.ok) return jsonResponse(session.reason === "banned" ? 403 : 401, { error: describeRejection(session) });

  const form = await readFormFields(request);
  if (!form.ok) return jsonResponse(form.status, { error: form.error });
  const body = channelAuthBodySchema.safeParse(form.fields);
  if (!body.success) return jsonResponse(400, { error: firstIssue(body.error) });

  const { socket_id: socketId, channel_name: channel } = body.data;
  const decision = await decideChannelAccess(session.user, socketId, channel);
  if (!decision.allow) return jsonResponse(403, { error: decision.reason });

  return jsonResponse(200, pusherServer.authorizeChannel(socketId, channel));
}
