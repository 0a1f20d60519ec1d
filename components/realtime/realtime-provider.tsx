"use client";

import type Pusher from "pusher-js";
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";

import { watchlistTrackerFor } from "@/components/contacts/watchlist-tracker";
import { useToast } from "@/components/ui/toast";
import type { PusherClientConfig } from "@/lib/pusher/client-config";

import { createRealtimeClient, type RealtimeClient } from "./pusher-client";
import { describeStatus, INITIAL_REALTIME_STATE, type ReceivedMessage, type RealtimeState, type RealtimeStatus } from "./state";

export interface RealtimeContextValue {
  /** The tab's one pusher-js instance; null before mount and outside the provider. */
  pusher: Pusher | null;
  status: RealtimeStatus;
  /** describeStatus(status): what the status element shows. */
  statusText: string;
  socketId: string | null;
  error: string | null;
  terminated: boolean;
  /** Messages received through pusher.user since the page loaded, newest first. */
  messages: ReceivedMessage[];
  /** Message id → read time, for messages read in any of the user's tabs since the page loaded. */
  readMessages: ReadonlyMap<string, string>;
  /** How many times the socket signed in again after a drop; stored state may be stale after each. */
  reconnects: number;
  /** Closes the socket for good (used before signing out). */
  disconnect: () => void;
}

const OUTSIDE_PROVIDER: RealtimeContextValue = {
  pusher: null,
  status: "unavailable",
  statusText: describeStatus({ status: "unavailable", error: null }),
  socketId: null,
  error: null,
  terminated: false,
  messages: [],
  readMessages: new Map(),
  reconnects: 0,
  disconnect: () => {},
};

const RealtimeContext = createContext<RealtimeContextValue>(OUTSIDE_PROVIDER);

const MAX_MESSAGES = 50;

/**
 * Mounted once for signed-in users (root layout), so the socket survives client-side navigation
 * between the user's and the admin's pages.
 */
export function RealtimeProvider({ config, children }: { config: PusherClientConfig; children: ReactNode }) {
  const { toast } = useToast();
  const [pusher, setPusher] = useState<Pusher | null>(null);
  const [state, setState] = useState<RealtimeState>(INITIAL_REALTIME_STATE);
  const [messages, setMessages] = useState<ReceivedMessage[]>([]);
  const [readMessages, setReadMessages] = useState<ReadonlyMap<string, string>>(() => new Map());
  const [reconnects, setReconnects] = useState(0);
  // The clock the retry countdown is read against: set with every state change, ticked while a retry waits.
  const [now, setNow] = useState(() => Date.now());
  const clientRef = useRef<RealtimeClient | null>(null);

  // The toast function is stable, but keep the effect independent of it anyway: re-running the
  // effect would reconnect the socket.
  const toastRef = useRef(toast);
  useEffect(() => {
    toastRef.current = toast;
  }, [toast]);

  const { key, cluster, wsHost, wsPort, wssPort, forceTLS } = config;
  useEffect(() => {
    const client = createRealtimeClient({
      config: { key, cluster, wsHost, wsPort, wssPort, forceTLS },
      onState: (next) => {
        setState(next);
        setNow(Date.now());
      },
      onMessage: (message) => {
        setMessages((list) => (list.some((m) => m.id === message.id) ? list : [message, ...list].slice(0, MAX_MESSAGES)));
        toastRef.current({ title: message.from ? `Message from ${message.from}` : "New message", description: message.body });
      },
      onMessageRead: ({ messageId, readAt }) =>
        setReadMessages((reads) => (reads.has(messageId) ? reads : new Map(reads).set(messageId, readAt))),
      onSignedIn: ({ reconnected }) => {
        if (reconnected) setReconnects((count) => count + 1);
      },
    });
    // Track watchlist events from the first frame: the server sends the contacts' state once, right
    // after sign-in, and a contacts list mounted later (e.g. after visiting /admin) needs it.
    watchlistTrackerFor(client.pusher);
    clientRef.current = client;
    setPusher(client.pusher);
    setState(client.getState());
    return () => {
      client.stop();
      if (clientRef.current === client) clientRef.current = null;
      setPusher(null);
    };
  }, [key, cluster, wsHost, wsPort, wssPort, forceTLS]);

  const disconnect = useCallback(() => clientRef.current?.stop(), []);

  // While a failed sign-in waits for its retry, the status counts down ("retrying in 4 s").
  const { retryAt } = state;
  useEffect(() => {
    if (retryAt == null) return;
    const tick = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(tick);
  }, [retryAt]);

  const value = useMemo<RealtimeContextValue>(
    () => ({
      pusher,
      status: state.status,
      statusText: describeStatus(state, now),
      socketId: state.socketId,
      error: state.error,
      terminated: state.terminated,
      messages,
      readMessages,
      reconnects,
      disconnect,
    }),
    [pusher, state, now, messages, readMessages, reconnects, disconnect],
  );

  return <RealtimeContext.Provider value={value}>{children}</RealtimeContext.Provider>;
}

/** The tab's realtime connection. Outside the provider: pusher null, status "unavailable". */
export function useRealtime(): RealtimeContextValue {
  return useContext(RealtimeContext);
}
