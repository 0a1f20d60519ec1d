"use client";

import { useEffect, useState } from "react";

import { buttonClassName } from "@/components/ui/button";
import { parseAccountRevoked, type AccountRevokedPayload } from "@/lib/admin/account-actions";
import { UserEvents } from "@/lib/pusher/channel-names";

import { useRealtime } from "./realtime-provider";
import { TERMINATED_MESSAGE } from "./state";

const ALERT_CLASS = "border-b border-red-300 bg-red-100 px-4 py-4 text-red-950 dark:border-red-800 dark:bg-red-950 dark:text-red-50";

/**
 * Why this tab lost its live connection, with the one thing the user can do about it. Two cases:
 * - an administrator kicked the user: the session is still good, so reloading reconnects;
 * - an administrator signed the user out everywhere or banned them: the `account-revoked` event
 *   arrives just before the server closes the socket, and the only way forward is to sign in
 *   again. The kick wording stays visible too (the socket was terminated all the same), but
 *   never its "reload" advice, which would not help.
 * The notice stays up, since nothing else on the page will replace it.
 */
export function DisconnectionNotice() {
  const { pusher, terminated } = useRealtime();
  const [revoked, setRevoked] = useState<AccountRevokedPayload | null>(null);

  useEffect(() => {
    if (!pusher) return;
    const onRevoked = (data: unknown) => {
      const payload = parseAccountRevoked(data);
      if (payload) setRevoked(payload);
    };
    pusher.user.bind(UserEvents.accountRevoked, onRevoked);
    return () => {
      pusher.user.unbind(UserEvents.accountRevoked, onRevoked);
    };
  }, [pusher]);

  if (revoked) {
    return (
      <div role="alert" className={ALERT_CLASS}>
        <div className="mx-auto flex max-w-5xl flex-wrap items-center justify-between gap-3">
          <div className="flex min-w-0 flex-col gap-1">
            <p className="text-base font-semibold">Your session has ended</p>
            <p data-testid="account-revoked" className="text-sm">
              {revoked.message}
            </p>
            {terminated ? (
              <p data-testid="realtime-terminated" className="text-sm">
                {TERMINATED_MESSAGE}. Nothing on this page updates any more.
              </p>
            ) : null}
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

  if (!terminated) return null;
  return (
    <div role="alert" className={ALERT_CLASS}>
      <div className="mx-auto flex max-w-5xl flex-wrap items-center justify-between gap-3">
        <div className="flex min-w-0 flex-col gap-1">
          <p data-testid="realtime-terminated" className="text-base font-semibold">
            {TERMINATED_MESSAGE}
          </p>
          <p className="text-sm">The live connection stays closed until you reconnect.</p>
        </div>
        <button type="button" onClick={() => window.location.reload()} className={buttonClassName({ variant: "default", size: "sm" })}>
          Reconnect
        </button>
      </div>
    </div>
  );
}
