/** Time formatting for the admin console. Pure, so the server render and the browser agree. */

/** "just now", "45 s ago", "2 min ago", "3 h ago", "4 d ago". */
export function formatRelativeTime(iso: string, now: number): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return "unknown";
  // Clocks of the server that rendered and the browser may disagree a little; never show the future.
  const seconds = Math.max(0, Math.round((now - then) / 1000));
  if (seconds < 10) return "just now";
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} d ago`;
}

/**
 * The exact time for a tooltip. Before hydration finishes it must be the same string on the server
 * and in the browser, so UTC is used until the component knows it runs in the browser.
 */
export function formatExactTime(iso: string, local: boolean): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  if (!local) return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
  return date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "medium" });
}
