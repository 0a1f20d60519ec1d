/** What a route group shows while its page's server data loads (loading.tsx): a labelled busy region. */
export function PageLoading({ label }: { label: string }) {
  return (
    <div role="status" aria-live="polite" aria-busy="true" className="flex flex-col gap-4 py-2" data-testid="page-loading">
      <span className="sr-only">{label}</span>
      <div aria-hidden="true" className="h-7 w-48 animate-pulse rounded-md bg-zinc-200 motion-reduce:animate-none dark:bg-zinc-800" />
      <div
        aria-hidden="true"
        className="h-4 w-72 max-w-full animate-pulse rounded-md bg-zinc-200 motion-reduce:animate-none dark:bg-zinc-800"
      />
      <div aria-hidden="true" className="h-40 w-full animate-pulse rounded-xl bg-zinc-200 motion-reduce:animate-none dark:bg-zinc-800" />
    </div>
  );
}
