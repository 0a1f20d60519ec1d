import "server-only";

import { authenticateRequest, describeRejection } from "@/lib/auth/session";
import { pusherServer } from "@/lib/pusher/server";
import { recordSignIn } from "@/lib/roster/record-sign-in";
import { firstIssue, readFormFields, userAuthBodySchema } from "@/lib/validation/pusher";

/** Auth answers are per socket and per session: never let a cache or proxy keep one. */
export const NO_STORE_HEADERS = { "Cache-Control": "no-store" } as const;

export function jsonResponse(status: number, body: unknown): Response {
  return Response.json(body, { status, headers: NO_STORE_HEADERS });
}

/**
 * POST /pusher/user-auth — pusher-js's `pusher.signin()` posts `socket_id` here and sends the
 * answer to the Pusher server as `pusher:signin`.
 *
 * The signed user id always comes from the session, never from the request: whatever id this
 * endpoint signs is who the socket becomes (sendToUser targets and terminate_connections act on it).
 */
export async function handleUserAuth(request: Request): Promise<Response> {
  const session = await authenticateRequest(request);
  if (!session.ok) return jsonResponse(session.reason === "banned" ? 403 : 401, { error: describeRejection(session) });

  const body = userAuthBodySchema.safeParse(await readFormFields(request));
  if (!body.success) return jsonResponse(400, { error: firstIssue(body.error) });

  const { user } = session;
  const socketId = body.data.socket_id;
  const auth = pusherServer.authenticateUser(socketId, { id: user.id, user_info: { name: user.name, email: user.email } });

  // Recorded before answering so the roster row exists by the time the browser, right after
  // pusher:signin_success, asks /pusher/auth for its connection channel (which checks this row).
  await recordSignIn({ userId: user.id, socketId, userAgent: request.headers.get("user-agent") });

  return jsonResponse(200, auth);
}
