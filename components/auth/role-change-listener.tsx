"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

import { useRealtime } from "@/components/realtime";
import { useToast } from "@/components/ui/toast";
import { UserEvents, type RoleChangedPayload } from "@/lib/pusher/channel-names";

function parseRoleChanged(data: unknown): RoleChangedPayload | null {
  if (!data || typeof data !== "object") return null;
  const { role } = data as Record<string, unknown>;
  return role === "ADMIN" || role === "USER" ? { role } : null;
}

/**
 * An administrator gave or took this user's ADMIN role: re-render the page from the server at
 * once, so the header's Admin link appears or goes, and an open admin console turns into the 403
 * page (the server re-reads the role on every request; this only makes the tab ask now).
 */
export function RoleChangeListener() {
  const { pusher } = useRealtime();
  const router = useRouter();
  const { toast } = useToast();

  useEffect(() => {
    if (!pusher) return;
    const onRoleChanged = (data: unknown) => {
      const payload = parseRoleChanged(data);
      if (!payload) return;
      toast({
        title: payload.role === "ADMIN" ? "You are now an administrator" : "You are no longer an administrator",
        variant: payload.role === "ADMIN" ? "success" : "default",
      });
      router.refresh();
    };
    pusher.user.bind(UserEvents.roleChanged, onRoleChanged);
    return () => {
      pusher.user.unbind(UserEvents.roleChanged, onRoleChanged);
    };
  }, [pusher, router, toast]);

  return null;
}
