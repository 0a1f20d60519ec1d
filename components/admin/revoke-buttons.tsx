"use client";

import type { AccountTarget } from "@/components/admin/account-target";
import { Button } from "@/components/ui/button";

interface RevokeButtonsProps<T extends AccountTarget> {
  user: T;
  /** The signed-in admin: the server refuses self-bans, so Ban isn't offered on their own row. */
  currentUserId: string;
  onSignOutEverywhere: (user: T) => void;
  onBan: (user: T) => void;
}

/** "Sign out everywhere" and "Ban" for one row; the user's name completes each accessible name. */
export function RevokeButtons<T extends AccountTarget>({ user, currentUserId, onSignOutEverywhere, onBan }: RevokeButtonsProps<T>) {
  return (
    <>
      <Button size="sm" variant="outline" onClick={() => onSignOutEverywhere(user)}>
        Sign out everywhere
        <span className="sr-only"> for {user.name}</span>
      </Button>
      {user.userId === currentUserId ? null : (
        <Button size="sm" variant="destructive" onClick={() => onBan(user)}>
          Ban
          <span className="sr-only"> {user.name}</span>
        </Button>
      )}
    </>
  );
}
