import type { ReactNode } from "react";

import { requireUser } from "@/lib/auth/session";

/** Everything in this group is for signed-in users; the check runs before any of it renders. */
export default async function SignedInLayout({ children }: { children: ReactNode }) {
  await requireUser();
  return children;
}
