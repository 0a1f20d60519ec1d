import type { Metadata } from "next";

import { ForbiddenNotice } from "@/components/auth/forbidden-notice";

export const metadata: Metadata = { title: "Forbidden" };

/** What forbidden() renders (requireAdmin for signed-in non-admins), with status 403. */
export default function Forbidden() {
  return <ForbiddenNotice />;
}
