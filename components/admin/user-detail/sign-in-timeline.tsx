import { Badge } from "@/components/ui/badge";
import { formatExactTime } from "@/lib/format/time";
import type { UserEventEntry } from "@/lib/metrics/user-events";

/** Password sign-ins and refused attempts, newest first (kept 30 days). */
export function SignInTimeline({ events }: { events: UserEventEntry[] }) {
  if (events.length === 0)
    return <p className="text-sm text-zinc-600 dark:text-zinc-400">No sign-ins or refused attempts recorded in the last 30 days.</p>;
  return (
    <ol className="flex flex-col gap-2" data-testid="user-timeline">
      {events.map((event) => (
        <li key={event.id} className="flex flex-wrap items-baseline gap-x-3 gap-y-1 text-sm" data-kind={event.kind}>
          <time dateTime={event.at} className="tabular-nums text-zinc-600 dark:text-zinc-400">
            {formatExactTime(event.at, false)}
          </time>
          {event.kind === "sign-in" ? <Badge variant="success">Signed in</Badge> : <Badge variant="destructive">Refused</Badge>}
          <span>{event.detail}</span>
        </li>
      ))}
    </ol>
  );
}
