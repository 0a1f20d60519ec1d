"use client";

import { signOut } from "next-auth/react";
import { useState } from "react";

import { useRealtime } from "@/components/realtime";
import { Button } from "@/components/ui/button";

export function SignOutButton() {
  const { disconnect } = useRealtime();
  const [pending, setPending] = useState(false);
  return (
    <Button
      variant="outline"
      size="sm"
      disabled={pending}
      onClick={async () => {
        setPending(true);
        // Close the socket first: otherwise it stays signed in to Pusher as this user (and on the
        // admin roster) until the page unloads.
        disconnect();
        await signOut({ callbackUrl: "/login" });
      }}
    >
      Sign out
    </Button>
  );
}
