"use client";

import { useEffect, useState } from "react";

import { buttonClassName } from "@/components/ui/button";
import { parseAccountRevoked, type AccountRevokedPayload } from "@/lib/admin/users";
import { UserEvents } from "@/lib/pusher/channels";

import { useRealtime } from "./realtime-provider";

/**
 * Says why this tab lost its session when an administrator signs the user out everywhere or bans
 * them. The event arrives just before the server closes the socket, so it is the tab's only
 * chance to explain; the message stays up afterwards, as nothing else will replace it.
 */
export function RevocationNotice() {
  const { pusher } = useRealtime();
  const [notice, setNotice] = useState<AccountRevokedPayload | null>(null);

  useEffect(() => {
    if (!pusher) return;
    const onRevoked = (data: unknown) => {
      const payload = parseAccountRevoked(data);
      if (payload) setNotice(payload);
    };
    pusher.user.bind(UserEvents.accountRevoked, onRevoked);
    return () => {
      pusher.user.unbind(UserEvents.accountRevoked, onRevoked);
    };
  }, [pusher]);

  if (!notice) return null;
  return (
    <div role="alert" className="border-b border-red-300 bg-red-100 px-4 py-4 text-red-950 dark:border-red-800 dark:bg-red-950 dark:text-red-50">
      <div className="mx-auto flex max-w-5xl flex-wrap items-center justify-between gap-3">
        <div className="flex flex-col gap-1">
          <p className="text-base font-semibold">Your session has ended</p>
          <p data-testid="account-revoked" className="text-sm">
            {notice.message}
          </p>
        </div>
        {/* A plain link on purpose: a full page load re-renders the root layout, whose header and
            realtime provider still belong to the revoked session after client-side navigation. */}
        <a href="/login" className={buttonClassName({ variant: "default", size: "sm" })}>
          Sign in again
        </a>
      </div>
    </div>
  );
}
