/**
 * Opens the app's pusher-js connection and keeps it signed in, independent of React so the same
 * wiring runs in the browser provider and in Node integration tests.
 */
import Pusher, { type Options, type UserAuthenticationOptions, type ChannelAuthorizationOptions } from "pusher-js";

import { connectionChannel, UserEvents } from "@/lib/pusher/channels";
import type { MessageReadPayload } from "@/lib/messages/types";
import type { PusherClientConfig } from "@/lib/pusher/client-config";

import { isStoredMessageId, postReceipt, type FetchLike } from "./receipts";
import {
  INITIAL_REALTIME_STATE,
  isAdminTermination,
  parseMessageRead,
  parseReceivedMessage,
  signinErrorReason,
  statusForConnectionState,
  type ReceivedMessage,
  type RealtimeState,
} from "./state";

export const USER_AUTH_ENDPOINT = "/pusher/user-auth";
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
}

export interface RealtimeClient {
  pusher: Pusher;
  getState(): RealtimeState;
  /** Closes the socket for good (sign-out, unmount). */
  stop(): void;
}

export function pusherOptions(config: PusherClientConfig, overrides: Pick<RealtimeClientOptions, "userAuthentication" | "channelAuthorization"> = {}): Options {
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

export function createRealtimeClient(options: RealtimeClientOptions): RealtimeClient {
  const pusher = new Pusher(options.config.key, pusherOptions(options.config, options));
  let state: RealtimeState = INITIAL_REALTIME_STATE;
  let subscribedChannel: string | null = null;
  let signins = 0;
  let stopped = false;

  const update = (patch: Partial<RealtimeState>) => {
    state = { ...state, ...patch };
    options.onState?.(state);
  };

  pusher.connection.bind("state_change", ({ current }: { previous: string; current: string }) => {
    // Once terminated, the "disconnected" that follows is expected; keep the terminated flag.
    update({
      status: statusForConnectionState(current),
      socketId: current === "connected" ? pusher.connection.socket_id : null,
      error: null,
    });
  });

  pusher.connection.bind("error", (error: unknown) => {
    if (!isAdminTermination(error) || state.terminated) return;
    // pusher-js already refuses to reconnect after 4009; disconnecting explicitly also covers a
    // pusher:error that arrives before (or without) the close frame.
    update({ terminated: true });
    pusher.disconnect();
  });

  // The global binding sees pusher:signin_success on every (re)connection's sign-in.
  pusher.bind("pusher:signin_success", () => {
    const socketId = pusher.connection.socket_id;
    update({ status: "signed-in", socketId, error: null });
    // The connection channel is per socket: after a reconnect the old one is gone server-side
    // (its channel_vacated webhook already fired), and the new socket needs its own.
    const name = connectionChannel(socketId);
    if (subscribedChannel && subscribedChannel !== name) pusher.unsubscribe(subscribedChannel);
    subscribedChannel = name;
    pusher.subscribe(name);
    signins += 1;
    options.onSignedIn?.({ socketId, reconnected: signins > 1 });
  });

  pusher.user.bind("pusher:signin_error", (event: unknown) => {
    update({ status: "signin-failed", error: signinErrorReason(event) });
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
      pusher.disconnect();
      pusher.unbind_all();
      pusher.connection.unbind_all();
      pusher.user.unbind_all();
    },
  };
}
