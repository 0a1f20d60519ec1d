"use client";

import { useCallback, useMemo, useSyncExternalStore } from "react";

import { useRealtime } from "@/components/realtime";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import type { Contact } from "@/lib/contacts/contacts";
import { INITIAL_WATCHLIST_STATE, watchlistView } from "@/lib/contacts/watchlist-state";

import { watchlistTrackerFor } from "./watchlist-tracker";

const noop = () => {};

/**
 * The user's contacts with an online dot, live from Pusher's watchlist. Names come from the server
 * (the same list whose ids the user-auth token watches); this component only learns who is online.
 * When the realtime server gives no watchlist state it says so and shows no dots at all, rather
 * than showing everyone as offline.
 */
export function ContactsOnline({ contacts }: { contacts: Contact[] }) {
  const { pusher } = useRealtime();
  // Created while rendering (idempotent per pusher instance) so it is bound before sign-in completes.
  const tracker = useMemo(() => (pusher ? watchlistTrackerFor(pusher) : null), [pusher]);
  const subscribe = useCallback((listener: () => void) => (tracker ? tracker.subscribe(listener) : noop), [tracker]);
  const state = useSyncExternalStore(
    subscribe,
    () => tracker?.getState() ?? INITIAL_WATCHLIST_STATE,
    () => INITIAL_WATCHLIST_STATE,
  );
  const view = watchlistView(state);
  const live = view.kind === "live";
  const onlineCount = live ? contacts.filter((contact) => view.online.has(contact.id)).length : 0;

  return (
    <Card data-testid="contacts-online">
      <CardHeader className="p-4">
        <CardTitle className="text-base">Contacts</CardTitle>
        <CardDescription>
          {live ? `${onlineCount} of ${contacts.length} online` : "Who is online, through Pusher's watchlist."}
        </CardDescription>
      </CardHeader>
      <CardContent className="flex flex-col gap-3 p-4 pt-0">
        {contacts.length === 0 ? (
          <p className="text-sm text-zinc-500 dark:text-zinc-400">No other users yet.</p>
        ) : view.kind === "unavailable" ? (
          <p data-testid="contacts-online-status" role="status" className="text-sm text-zinc-500 dark:text-zinc-400">
            {view.message}
          </p>
        ) : null}
        <ul className="flex flex-col gap-1.5">
          {contacts.map((contact) => {
            const online = live && view.online.has(contact.id);
            return (
              // data-online only while the status is known: no attribute means "not claimed".
              <li
                key={contact.id}
                data-testid="contact"
                data-online={live ? String(online) : undefined}
                className="flex items-center gap-2 text-sm"
              >
                {live ? (
                  <span
                    aria-hidden
                    className={cn("inline-block h-2 w-2 shrink-0 rounded-full", online ? "bg-emerald-500" : "bg-zinc-300 dark:bg-zinc-600")}
                  />
                ) : null}
                <span className="truncate">{contact.name}</span>
                {live ? <span className="sr-only">{online ? "online" : "offline"}</span> : null}
              </li>
            );
          })}
        </ul>
      </CardContent>
    </Card>
  );
}
