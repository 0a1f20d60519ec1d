/**
 * The arguments `npm start` gives `next start`, shared with `npm run bench:app` so the bench serves
 * the app exactly as deployed.
 *
 * `--keepAliveTimeout`: Node's default keeps an idle connection for 5 s only, so a browser (or a
 * load balancer) that pauses longer between requests opens a new connection for the next one.
 * Next listens with Node's fixed accept queue of 511 connections, and while the app is busy a burst
 * of new connections overflows it: the kernel drops those handshakes, and the clients wait out
 * TCP's retransmission backoff (1, 3, 7, 15, 31 s…). The bench's reconnect storm kept that queue
 * full for more than 30 s (BENCHMARKS.md, "Accept queues"). 65 s outlasts the idle timeouts of
 * common load balancers (AWS ALB: 60 s), so they, not the app, close idle connections.
 */
export const APP_KEEP_ALIVE_TIMEOUT_MS = 65_000;

export function nextStartArgs(port: number, host: string): string[] {
  return ["start", "-p", String(port), "-H", host, "--keepAliveTimeout", String(APP_KEEP_ALIVE_TIMEOUT_MS)];
}
