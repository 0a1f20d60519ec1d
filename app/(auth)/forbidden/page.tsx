import type { Metadata } from "next";

import { ForbiddenNotice } from "@/components/auth/forbidden-notice";

export const metadata: Metadata = { title: "Forbidden" };

/** Where requireAdmin() sends signed-in users who are not administrators. */
export default function ForbiddenPage() {
  return <ForbiddenNotice />;
}
