/**
 * Opens the app's pusher-js connection and keeps it signed in, independent of React so the same
 * wiring runs in the browser provider and in Node integration tests.
 */
import Pusher, { type Options, type UserAuthenticationOptions, type ChannelAuthorizationOptions } from "pusher-js";

import { connectionChannel, UserEvents } from "@/lib/pusher/channel-names";
import type { MessageReadPayload } from "@/lib/messages/message-types";
import type { PusherClientConfig } from "@/lib/pusher/client-config";

import { isStoredMessageId, postReceipt, type FetchLike } from "./post-receipt";
import {
  INITIAL_REALTIME_STATE,
  isAdminTermination,
  isAuthorizationTimeout,
  isRetryableSigninError,
  parseMessageRead,
  parseReceivedMessage,
  signinErrorReason,
  signinRetryDelayMs,
  statusForConnectionState,
  type ReceivedMessage,
  type RealtimeState,
} from "./state";

export const USER_AUTH_ENDPOINT = "/pusher/user-auth";
/** How long after a revocation-recheck notice its terminate is expected. */
const RECHECK_NOTICE_MS = 10_000;
export const CHANNEL_AUTH_ENDPOINT = "/pusher/auth";

export interface RealtimeClientOptions {
  config: PusherClientConfig;
  onState?: (state: RealtimeState) => void;
  onMessage?: (message: ReceivedMessage) => void;
  /** A message was read in one of the user's tabs (this one included). */
  onMessageRead?: (read: MessageReadPayload) => void;
  /**
   * Every pusher:signin_success; `reconnected` is true from the second one on, when events sent
   * while the socket was down were missed and stored state should be refetched.
   */
  onSignedIn?: (event: { socketId: string; reconnected: boolean }) => void;
  /** Sends the delivery receipts; tests route it to the route handlers. Defaults to fetch. */
  fetch?: FetchLike;
  /** Tests swap the HTTP endpoints for in-process handlers. */
  userAuthentication?: UserAuthenticationOptions;
  channelAuthorization?: ChannelAuthorizationOptions;
  /** The backoff before the n-th sign-in retry (0-based); tests shorten it. Defaults to signinRetryDelayMs. */
  signinRetryDelayMs?: (attempt: number) => number;
}

export interface RealtimeClient {
  pusher: Pusher;
  getState(): RealtimeState;
  /** Closes the socket for good (sign-out, unmount). */
  stop(): void;
}

export function pusherOptions(
  config: PusherClientConfig,
  overrides: Pick<RealtimeClientOptions, "userAuthentication" | "channelAuthorization"> = {},
): Options {
  return {
    cluster: config.cluster,
    wsHost: config.wsHost,
    wsPort: config.wsPort,
    wssPort: config.wssPort,
    forceTLS: config.forceTLS,
    // WebSocket only: the embedded and self-hosted servers speak no HTTP fallback transports.
    enabledTransports: ["ws", "wss"],
    userAuthentication: overrides.userAuthentication ?? { endpoint: USER_AUTH_ENDPOINT, transport: "ajax" },
    channelAuthorization: overrides.channelAuthorization ?? { endpoint: CHANNEL_AUTH_ENDPOINT, transport: "ajax" },
  };
}

/**
 * An authorization answer belongs to the socket it was asked for, but pusher-js sends it on
 * whichever socket is connected when it arrives. Under load, /pusher/user-auth can take longer
 * than the server's authorized-connections timeout: the server closes the unsigned socket, the
 * client connects again, and the old socket's late answer reached the new socket as a pusher:signin
 * with a signature for another socket id. The server rightly closed that one too, with 4009, which
 * reads as "disconnected by an administrator". pusher-js asks again for every new socket (and
 * re-subscribes its channels), so an answer for a socket that is gone is dropped here.
 * `config` is pusher-js's resolved configuration; both authorizers are read from it per call.
 */
function dropAnswersForGoneSockets(pusher: Pusher): void {
  const { userAuthenticator, channelAuthorizer } = pusher.config;
  const stillCurrent = (socketId: string) => pusher.connection.state === "connected" && pusher.connection.socket_id === socketId;
  pusher.config.userAuthenticator = (params, callback) =>
    userAuthenticator(params, (error, data) => {
      if (stillCurrent(params.socketId)) callback(error, data);
    });
  pusher.config.channelAuthorizer = (params, callback) =>
    channelAuthorizer(params, (error, data) => {
      if (stillCurrent(params.socketId)) callback(error, data);
    });
}

export function createRealtimeClient(options: RealtimeClientOptions): RealtimeClient {
  const pusher = new Pusher(options.config.key, pusherOptions(options.config, options));
  dropAnswersForGoneSockets(pusher);
  let state: RealtimeState = INITIAL_REALTIME_STATE;
  let subscribedChannel: string | null = null;
  let signins = 0;
  /** Until when a 4009 is the announced re-check after a revocation, not a kick (see UserEvents). */
  let recheckUntil = 0;
  let stopped = false;

  const update = (patch: Partial<RealtimeState>) => {
    state = { ...state, ...patch };
    options.onState?.(state);
  };

  // Sign-in retry: pusher-js signs in once per connection and, after an error, only again on the
  // next connection. A retryable failure (5xx, network) is tried again on the same connection after
  // a backoff; 401/403 stay final. pusher-js's signin() is a no-op while `signin_requested` is set,
  // so a retry clears that public flag first: signin() then runs the user authenticator again.
  const retryDelay = options.signinRetryDelayMs ?? signinRetryDelayMs;
  let retryAttempt = 0;
  // One pending retry at a time: a sign-in on this socket, or a new connection after the
  // authorized-connections timeout closed the last one.
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let retryKind: "signin" | "reconnect" | null = null;
  const cancelRetry = () => {
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = null;
    retryKind = null;
  };
  const scheduleRetry = (kind: "signin" | "reconnect", retry: () => void) => {
    cancelRetry();
    const delay = retryDelay(retryAttempt);
    retryAttempt += 1;
    retryKind = kind;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      retryKind = null;
      if (!stopped) retry();
    }, delay);
    return Date.now() + delay;
  };
  // The connection channel's authorization can fail as a sign-in can (the app restarting, a
  // timeout under load). Without the channel the tab is signed in but missing from the roster, so
  // a retryable failure is tried again on the same socket with the same backoff; 401/403 are final.
  let channelAttempt = 0;
  let channelRetryTimer: ReturnType<typeof setTimeout> | null = null;
  const cancelChannelRetry = () => {
    if (channelRetryTimer) clearTimeout(channelRetryTimer);
    channelRetryTimer = null;
  };
  const subscribeConnectionChannel = (name: string) => {
    pusher.subscribe(name).bind("pusher:subscription_error", (event: unknown) => {
      if (stopped || subscribedChannel !== name || !isRetryableSigninError(event)) return;
      cancelChannelRetry();
      channelRetryTimer = setTimeout(() => {
        channelRetryTimer = null;
        if (!stopped && subscribedChannel === name && pusher.connection.state === "connected") pusher.subscribe(name);
      }, retryDelay(channelAttempt++));
    });
  };

  const signInAgain = () => {
    // A connection that dropped meanwhile signs in by itself once it is back.
    if (pusher.connection.state !== "connected") return;
    update({ status: "signing-in", error: null, retryAt: null });
    pusher.user.signin_requested = false;
    pusher.signin();
  };

  pusher.connection.bind("state_change", ({ previous, current }: { previous: string; current: string }) => {
    if (previous === "connected" && current !== "connected") {
      // The connection channel belongs to the socket that just went away. Forget it now, before
      // pusher-js re-subscribes every channel on the next connection: /pusher/auth would rightly
      // refuse (403) the old socket's channel for the new socket. The new socket's own channel is
      // subscribed after its signin_success.
      // Removed from pusher-js's channel set directly: pusher.unsubscribe() only marks a channel
      // whose authorization is still pending as cancelled, and such a channel is re-subscribed.
      if (subscribedChannel) {
        const channel = pusher.channels.remove(subscribedChannel);
        if (channel?.subscribed) channel.unsubscribe();
      }
      subscribedChannel = null;
      cancelChannelRetry();
      // A pending sign-in retry belonged to that socket too; pusher-js signs the next one in by itself.
      if (retryKind === "signin") cancelRetry();
    }
    // Once terminated, the "disconnected" that follows is expected; keep the terminated flag.
    update({
      status: statusForConnectionState(current),
      socketId: current === "connected" ? pusher.connection.socket_id : null,
      error: null,
      retryAt: null,
    });
  });

  pusher.connection.bind("error", (error: unknown) => {
    if (isAuthorizationTimeout(error)) {
      // The server closed an unsigned socket (the app could not sign it in in time). pusher-js
      // gives up on 4009; connect again after a backoff and sign in on the new socket. pusher-js
      // reports the one close up to three times: schedule once.
      if (!state.terminated && retryKind !== "reconnect") scheduleRetry("reconnect", () => pusher.connect());
      return;
    }
    if (!isAdminTermination(error) || state.terminated) return;
    if (Date.now() < recheckUntil) {
      // The announced re-check: this tab's session is a new one (an old one could not have signed
      // in again), so connect again and sign in; a revoked session would be refused at user-auth.
      // pusher-js reports the one close up to three times: schedule once.
      if (retryKind !== "reconnect") scheduleRetry("reconnect", () => pusher.connect());
      return;
    }
    // pusher-js already refuses to reconnect after 4009; disconnecting explicitly also covers a
    // pusher:error that arrives before (or without) the close frame.
    cancelRetry();
    update({ terminated: true, retryAt: null });
    pusher.disconnect();
  });

  // The global binding sees pusher:signin_success on every (re)connection's sign-in.
  pusher.bind("pusher:signin_success", () => {
    const socketId = pusher.connection.socket_id;
    recheckUntil = 0;
    cancelRetry();
    retryAttempt = 0;
    update({ status: "signed-in", socketId, error: null, retryAt: null });
    // The connection channel is per socket: after a reconnect the old one is gone server-side
    // (its channel_vacated webhook already fired), and the new socket needs its own.
    const name = connectionChannel(socketId);
    if (subscribedChannel && subscribedChannel !== name) pusher.unsubscribe(subscribedChannel);
    if (subscribedChannel !== name) {
      subscribedChannel = name;
      channelAttempt = 0;
      cancelChannelRetry();
      subscribeConnectionChannel(name);
    }
    signins += 1;
    options.onSignedIn?.({ socketId, reconnected: signins > 1 });
  });

  pusher.user.bind("pusher:signin_error", (event: unknown) => {
    const error = signinErrorReason(event);
    if (stopped || state.terminated || !isRetryableSigninError(event)) {
      cancelRetry();
      update({ status: "signin-failed", error, retryAt: null });
      return;
    }
    // A socket that is gone already is signed in again by its successor: pusher-js does that on
    // every new connection, and a reconnect may be pending (authorized-connections timeout).
    if (retryKind === "reconnect" || pusher.connection.state !== "connected") {
      update({ status: "signin-failed", error });
      return;
    }
    update({ status: "signin-failed", error, retryAt: scheduleRetry("signin", signInAgain) });
  });

  pusher.user.bind(UserEvents.revocationRecheck, () => {
    recheckUntil = Date.now() + RECHECK_NOTICE_MS;
  });

  pusher.user.bind(UserEvents.message, (data: unknown) => {
    const message = parseReceivedMessage(data);
    if (!message) return;
    // Acknowledged here, on arrival, not when a component renders it: the message reached this
    // browser whatever page is open. Every tab acknowledges; the server keeps the first.
    if (isStoredMessageId(message.id)) void postReceipt(message.id, "delivered", options.fetch);
    options.onMessage?.(message);
  });

  pusher.user.bind(UserEvents.messageRead, (data: unknown) => {
    const read = parseMessageRead(data);
    if (read) options.onMessageRead?.(read);
  });

  // signin() waits for "connected" and pusher-js repeats it after every reconnect.
  pusher.signin();

  return {
    pusher,
    getState: () => state,
    stop() {
      if (stopped) return;
      stopped = true;
      cancelRetry();
      cancelChannelRetry();
      pusher.disconnect();
      pusher.unbind_all();
      pusher.connection.unbind_all();
      pusher.user.unbind_all();
    },
  };
}
