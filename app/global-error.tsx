"use client";

import "./globals.css";

/**
 * The last resort, when the root layout itself failed: it reads the session from the database on
 * every page, so a database outage lands here rather than in a route group's error.tsx. Replaces
 * the root layout, hence its own <html> and <body>. The text stays generic (in production Next
 * hides server error messages behind the digest, which is in the server log).
 */
export default function GlobalError({ error }: { error: Error & { digest?: string } }) {
  return (
    <html lang="en">
      <body className="bg-white text-zinc-900 antialiased dark:bg-zinc-950 dark:text-zinc-100">
        <main className="mx-auto flex max-w-md flex-col items-start gap-4 px-4 pt-16">
          <section role="alert" data-testid="page-error" className="flex flex-col items-start gap-4">
            <h1 className="text-2xl font-semibold tracking-tight">The app is unavailable right now</h1>
            <p className="text-zinc-700 dark:text-zinc-300">
              This is usually a passing problem with the database. Try again in a few seconds.
            </p>
            {error.digest ? <p className="font-mono text-xs text-zinc-600 dark:text-zinc-400">Reference: {error.digest}</p> : null}
            <button
              type="button"
              // A full load: the root layout (session, header) must be rendered again on the server.
              onClick={() => window.location.reload()}
              className="rounded-md border border-zinc-300 px-3 py-1.5 text-sm font-medium hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-900"
            >
              Try again
            </button>
          </section>
        </main>
      </body>
    </html>
  );
}
