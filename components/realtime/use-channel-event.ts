"use client";

import type Pusher from "pusher-js";
import { useEffect, useRef, useState } from "react";

import { useRealtime } from "./realtime-provider";

/*
 * pusher.unsubscribe(name) drops the channel for everyone in the tab, so two components on one
 * page (say a status table and a layout widget, both on the admin channel) must not each
 * unsubscribe on unmount. Subscriptions made through this hook are counted per pusher instance
 * and the channel is left only when the last user goes.
 */
const holders = new WeakMap<Pusher, Map<string, number>>();

function hold(pusher: Pusher, channelName: string) {
  const counts = holders.get(pusher) ?? new Map<string, number>();
  holders.set(pusher, counts);
  counts.set(channelName, (counts.get(channelName) ?? 0) + 1);
  // subscribe() is idempotent in pusher-js and also revives a channel whose unsubscribe is pending.
  const channel = pusher.subscribe(channelName);
  return {
    channel,
    release() {
      const left = (counts.get(channelName) ?? 1) - 1;
      if (left > 0) {
        counts.set(channelName, left);
        return;
      }
      counts.delete(channelName);
      pusher.unsubscribe(channelName);
    },
  };
}

/**
 * Calls `onEvent` for `eventName` on `channelName` (subscribing through the tab's connection), and
 * `onSubscribed` whenever the subscription (re)succeeds: events sent while it was down are lost,
 * so that is the moment to refetch.
 */
export function useChannelEvent(channelName: string, eventName: string, onEvent: (data: unknown) => void, onSubscribed?: () => void): void {
  const { pusher } = useRealtime();
  // Latest callbacks without resubscribing on every render.
  const handlers = useRef({ onEvent, onSubscribed });
  useEffect(() => {
    handlers.current = { onEvent, onSubscribed };
  });

  useEffect(() => {
    if (!pusher) return;
    const { channel, release } = hold(pusher, channelName);
    const handleEvent = (data: unknown) => handlers.current.onEvent(data);
    const handleSubscribed = () => handlers.current.onSubscribed?.();
    channel.bind(eventName, handleEvent);
    channel.bind("pusher:subscription_succeeded", handleSubscribed);
    if (channel.subscribed) handleSubscribed();
    return () => {
      channel.unbind(eventName, handleEvent);
      channel.unbind("pusher:subscription_succeeded", handleSubscribed);
      release();
    };
  }, [pusher, channelName, eventName]);
}

export type ChannelLiveState = "connecting" | "live" | "offline" | "error";

/**
 * Whether events on `channelName` are reaching this tab: "live" only while the socket is connected
 * and the subscription has succeeded. Holds the channel like useChannelEvent, so it can be used
 * alongside it without either unsubscribing the other.
 */
export function useChannelLiveState(channelName: string): ChannelLiveState {
  const { pusher } = useRealtime();
  const [state, setState] = useState<ChannelLiveState>("connecting");

  useEffect(() => {
    if (!pusher) return;
    const { channel, release } = hold(pusher, channelName);
    const onSubscribed = () => setState(pusher.connection.state === "connected" ? "live" : "connecting");
    const onSubscriptionError = () => setState("error");
    const onStateChange = ({ current }: { current: string }) => {
      if (current === "connected") setState(channel.subscribed ? "live" : "connecting");
      else if (current === "connecting" || current === "initialized") setState("connecting");
      else setState("offline");
    };
    channel.bind("pusher:subscription_succeeded", onSubscribed);
    channel.bind("pusher:subscription_error", onSubscriptionError);
    pusher.connection.bind("state_change", onStateChange);
    if (channel.subscribed) onSubscribed();
    return () => {
      channel.unbind("pusher:subscription_succeeded", onSubscribed);
      channel.unbind("pusher:subscription_error", onSubscriptionError);
      pusher.connection.unbind("state_change", onStateChange);
      release();
    };
  }, [pusher, channelName]);

  return state;
}
