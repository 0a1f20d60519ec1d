import type { Metadata } from "next";
import Link from "next/link";

import { buttonClassName } from "@/components/ui/button";

// The root layout's template makes it "Page not found · Pusher User Auth".
export const metadata: Metadata = { title: "Page not found" };

export default function NotFound() {
  return (
    <section className="mx-auto flex max-w-md flex-col items-start gap-4 pt-8" aria-labelledby="not-found-heading">
      <p className="font-mono text-sm text-zinc-500 dark:text-zinc-400">404</p>
      <h1 id="not-found-heading" className="text-2xl font-semibold tracking-tight">
        Page not found
      </h1>
      <p className="text-zinc-600 dark:text-zinc-400">There is nothing at this address.</p>
      <Link href="/" className={buttonClassName({ variant: "outline" })}>
        Back to home
      </Link>
    </section>
  );
}
