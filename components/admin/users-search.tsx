import { buttonClassName } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { USERS_SEARCH_MAX_CHARS } from "@/lib/admin/users-query";

/**
 * A plain GET form, like the audit filters: the search lands in the URL (shareable, kept by the
 * page links) and works without JavaScript. Submitting starts again at page 1.
 */
export function UsersSearchForm({ q, action = "/admin/users" }: { q?: string; action?: string }) {
  return (
    <form method="get" action={action} role="search" aria-label="Find accounts" data-testid="users-search" className="flex flex-wrap items-end gap-3">
      <div className="flex min-w-64 flex-1 flex-col gap-1.5 sm:max-w-md">
        <Label htmlFor="users-q">Search users</Label>
        <Input id="users-q" name="q" type="search" defaultValue={q ?? ""} placeholder="Name or email" maxLength={USERS_SEARCH_MAX_CHARS} autoComplete="off" />
      </div>
      <div className="flex gap-2">
        <button type="submit" className={buttonClassName({ size: "default" })}>
          Search
        </button>
        {q ? (
          <a href={action} className={buttonClassName({ variant: "ghost" })}>
            Clear
          </a>
        ) : null}
      </div>
    </form>
  );
}
