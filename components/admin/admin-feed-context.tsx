"use client";

import { createContext, useContext, type ReactNode } from "react";

import type { AdminFeedChannels } from "@/lib/pusher/channel-names";

/*
 * The signed-in admin's own feed channels, named after their current session (see
 * lib/pusher/channel-names.ts). The admin layout provides them from the server-side session, so no
 * component builds a channel name from client state.
 */
const AdminFeedContext = createContext<AdminFeedChannels | null>(null);

export function AdminFeedProvider({ channels, children }: { channels: AdminFeedChannels; children: ReactNode }) {
  return <AdminFeedContext.Provider value={channels}>{children}</AdminFeedContext.Provider>;
}

export function useAdminFeedChannels(): AdminFeedChannels {
  const channels = useContext(AdminFeedContext);
  if (!channels) throw new Error("useAdminFeedChannels() must be used inside the admin layout (AdminFeedProvider).");
  return channels;
}
