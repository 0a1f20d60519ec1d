"use client";

import { useState } from "react";

import type { AccountTarget } from "@/components/admin/account-target";
import { useAdminAction } from "@/components/admin/use-admin-action";
import { useToast } from "@/components/ui/toast";
import { accountActionPath } from "@/lib/admin/account-actions";

/**
 * Lifting a ban, for the users table and the user page: one request at a time (every Unban button
 * is disabled meanwhile, `isUnbanning` says which one runs), a toast either way, and
 * `onUnbanned` so the caller re-renders the server's state.
 */
export function useUnban(onUnbanned: (user: AccountTarget) => void) {
  const { toast } = useToast();
  const action = useAdminAction();
  const [unbanningId, setUnbanningId] = useState<string | null>(null);

  async function unban(user: AccountTarget) {
    if (action.pending) return;
    setUnbanningId(user.userId);
    const result = await action.run(accountActionPath(user.userId, "unban"));
    if (result === null) return;
    setUnbanningId(null);
    if (result.ok) {
      toast({ title: `${user.name} was unbanned`, description: "They can sign in again.", variant: "success" });
      onUnbanned(user);
    } else {
      toast({ title: `Could not unban ${user.name}`, description: result.error, variant: "destructive" });
    }
  }

  return { unban, pending: action.pending, isUnbanning: (userId: string) => action.pending && unbanningId === userId };
}
