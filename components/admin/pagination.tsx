import Link from "next/link";

import { buttonClassName } from "@/components/ui/button";

interface PaginationProps {
  /** The link to a page, keeping the current filters. */
  hrefFor: (page: number) => string;
  page: number;
  pageCount: number;
  total: number;
  noun: { one: string; other: string };
  label: string;
  testId: string;
}

/** "121 entries · page 1 of 3" with Previous/Next links; a link that leads nowhere is shown disabled. */
export function Pagination({ hrefFor, page, pageCount, total, noun, label, testId }: PaginationProps) {
  const link = (target: number, text: string, rel: "prev" | "next") =>
    target >= 1 && target <= pageCount ? (
      <Link href={hrefFor(target)} rel={rel} className={buttonClassName({ variant: "outline", size: "sm" })}>
        {text}
      </Link>
    ) : (
      <span
        aria-disabled="true"
        className={buttonClassName({ variant: "outline", size: "sm", className: "pointer-events-none opacity-50" })}
      >
        {text}
      </span>
    );
  return (
    <nav aria-label={label} data-testid={testId} className="flex flex-wrap items-center justify-between gap-3 text-sm">
      <p className="text-zinc-600 dark:text-zinc-400">
        {`${total} ${total === 1 ? noun.one : noun.other}`} · page {page} of {pageCount}
      </p>
      <div className="flex gap-2">
        {/* Past the last page (a stale link), "Previous" leads back to the last one that has rows. */}
        {link(Math.min(page - 1, pageCount), "Previous", "prev")}
        {link(page + 1, "Next", "next")}
      </div>
    </nav>
  );
}
