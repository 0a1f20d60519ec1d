import Link from "next/link";

import { buttonClassName } from "@/components/ui/button";

/** The 403 message, also usable in place by pages that prefer not to redirect. */
export function ForbiddenNotice() {
  return (
    <section className="mx-auto flex max-w-md flex-col items-start gap-4 pt-8" aria-labelledby="forbidden-heading">
      <p className="font-mono text-sm text-zinc-500 dark:text-zinc-400">403</p>
      <h1 id="forbidden-heading" className="text-2xl font-semibold tracking-tight">
        You don&apos;t have access to this page
      </h1>
      <p className="text-zinc-600 dark:text-zinc-400">
        It is for administrators only. If you think you should have access, ask an administrator.
      </p>
      <Link href="/" className={buttonClassName({ variant: "outline" })}>
        Back to home
      </Link>
    </section>
  );
}
