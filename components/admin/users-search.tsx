import Form from "next/form";
import Link from "next/link";

import { buttonClassName } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { USERS_SEARCH_MAX_CHARS } from "@/lib/admin/users-query";

/**
 * A GET form, like the audit filters: the search lands in the URL (shareable, kept by the page
 * links) and works without JavaScript. With JavaScript, next/form navigates client-side, so the
 * tab keeps its realtime connection instead of reconnecting on every search. Keyed by the query
 * so the field shows the URL's value after "Clear" or back/forward. Submitting starts at page 1.
 */
export function UsersSearchForm({
  q,
  action = "/admin/users",
  label = "Search users",
  formLabel = "Find accounts",
  testId = "users-search",
  inputId = "users-q",
  keep = {},
}: {
  q?: string;
  action?: string;
  label?: string;
  formLabel?: string;
  testId?: string;
  inputId?: string;
  /** Other parameters of the view that a search keeps (the roster's sort order), as hidden fields. */
  keep?: Record<string, string | undefined>;
}) {
  return (
    <Form
      key={q ?? ""}
      action={action}
      role="search"
      aria-label={formLabel}
      data-testid={testId}
      className="flex flex-wrap items-end gap-3"
    >
      <div className="flex min-w-64 flex-1 flex-col gap-1.5 sm:max-w-md">
        <Label htmlFor={inputId}>{label}</Label>
        <Input
          id={inputId}
          name="q"
          type="search"
          defaultValue={q ?? ""}
          placeholder="Name or email"
          maxLength={USERS_SEARCH_MAX_CHARS}
          autoComplete="off"
        />
        {Object.entries(keep).map(([name, value]) => (value ? <input key={name} type="hidden" name={name} value={value} /> : null))}
      </div>
      <div className="flex gap-2">
        <button type="submit" className={buttonClassName({ size: "default" })}>
          Search
        </button>
        {q ? (
          <Link href={action} className={buttonClassName({ variant: "ghost" })}>
            Clear
          </Link>
        ) : null}
      </div>
    </Form>
  );
}
