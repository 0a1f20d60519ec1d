import "server-only";

import { crossSiteRefusal } from "@/lib/auth/same-origin";
import { authenticateRequest, describeRejection } from "@/lib/auth/session";
import { listContacts } from "@/lib/contacts/contacts";
import { jsonResponse } from "@/lib/http/json-response";
import { publishActivity } from "@/lib/inspector/publish";
import { countRefusal } from "@/lib/inspector/refusals";
import { recordMetric } from "@/lib/metrics/record";
import { pusherServer } from "@/lib/pusher/server";
import { recordSignIn, SocketOwnedByAnotherUserError } from "@/lib/roster/record-sign-in";
import { firstIssueMessage } from "@/lib/validation/first-issue-message";
import { readFormFields, userAuthBodySchema } from "@/lib/validation/pusher";

/**
 * POST /pusher/user-auth — pusher-js's `pusher.signin()` posts `socket_id` here and sends the
 * answer to the Pusher server as `pusher:signin`.
 *
 * The signed user id always comes from the session, never from the request: whatever id this
 * endpoint signs is who the socket becomes (sendToUser targets and terminate_connections act on it).
 */
export async function handleUserAuth(request: Request): Promise<Response> {
  const crossSite = crossSiteRefusal(request);
  if (crossSite) return refuse(403, crossSite, "cross-site");

  const session = await authenticateRequest(request);
  if (!session.ok) {
    const status = session.reason === "banned" ? 403 : 401;
    return refuse(status, describeRejection(session), session.reason);
  }

  const form = await readFormFields(request);
  if (!form.ok) return refuse(form.status, form.error, form.status === 413 ? "body-too-large" : "bad-request");
  const body = userAuthBodySchema.safeParse(form.fields);
  if (!body.success) return refuse(400, firstIssueMessage(body.error), "bad-request");

  const { user } = session;
  const socketId = body.data.socket_id;

  // Recorded before answering so the roster row exists by the time the browser, right after
  // pusher:signin_success, asks /pusher/auth for its connection channel (which checks this row).
  // The contacts query runs alongside it, so the watchlist does not lengthen the answer.
  let contacts: Awaited<ReturnType<typeof listContacts>>;
  try {
    [contacts] = await Promise.all([
      listContacts(user.id),
      recordSignIn({ userId: user.id, socketId, userAgent: request.headers.get("user-agent") }),
    ]);
  } catch (error) {
    if (error instanceof SocketOwnedByAnotherUserError)
      return refuse(409, "This socket_id is already signed in as another user.", "socket-taken");
    throw error;
  }
  const watchlist = contacts.map((contact) => contact.id);
  const auth = pusherServer.authenticateUser(socketId, { id: user.id, user_info: { name: user.name, email: user.email }, watchlist });

  recordMetric("realtime-sign-ins");
  void publishActivity({
    kind: "sign-in",
    userId: user.id,
    summary: `${user.name} signed in socket ${socketId}`,
    detail: { socketId, email: user.email, watching: watchlist.length },
  });
  return jsonResponse(auth);
}

/** Refusals are counted, never published one by one: anyone can make them for free. */
function refuse(status: 400 | 401 | 403 | 409 | 413, error: string, reason: string): Response {
  countRefusal("/pusher/user-auth", status, reason);
  return jsonResponse({ error }, status);
}
