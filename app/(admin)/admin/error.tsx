"use client";

import { PageError } from "@/components/ui/page-error";

export default function AdminError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <PageError error={error} reset={reset} what="This admin page" />;
}
