/**
 * Roster timing knobs, in one place so the tests and the UI agree with the server.
 * No server imports: the admin UI reads these too.
 */

/**
 * How long a connection counts as live on the roster after /pusher/user-auth first signed it but
 * before its `channel_occupied` webhook confirmed it; signing the same socket again does not
 * restart it. The browser subscribes to its connection channel right after
 * `pusher:signin_success`, and the webhook follows within a second or two on hosted Pusher, so
 * 30 s absorbs slow networks without keeping a crashed tab on the roster for long. (Whether a
 * message was delivered live needs more than this: see countLiveConnections.)
 */
export const CONNECTION_GRACE_MS = 30_000;

/**
 * Most unconfirmed (pending) rows one user may have. Anyone signed in can post socket ids that no
 * socket ever uses; each would be a roster row. Past the cap the user's oldest pending rows are
 * dropped rather than the sign-in refused: refusing would break the next real tab. Confirmed rows
 * don't count, so a user with many real tabs is never affected.
 *
 * Not smaller: under a sign-in storm a real tab can stay pending for many seconds, and user-auth
 * answers that arrive after the server closed their socket (authorized-connections timeout) leave
 * rows that never confirm. With 10, a 10,000-tab storm (`npm run bench:app`, 5 tabs per user) evicted
 * 14 real tabs' rows between their channel authorization and their channel_occupied: live tabs that
 * were missing from the roster for good.
 */
export const PENDING_CONNECTIONS_PER_USER = 50;

/**
 * Reconciliation calls the HTTP API (rate-limited and billed on hosted Pusher), so each process runs
 * it at most this often, lazily from the roster API — no timer to manage in serverless deployments.
 */
export const RECONCILE_INTERVAL_MS = 30_000;

/**
 * The console refetches its page at most this often (a storm of deltas that each say "refetch"
 * costs two page loads a second per console, not one per change); the last one always runs, so
 * the final state shows within this plus one fetch after the storm's last delta.
 */
export const ROSTER_RESYNC_MIN_INTERVAL_MS = 500;

/**
 * The safety net under the deltas: expiring grace windows and lazy reconciliation produce no
 * event, and an event can be lost, so the console refetches its page this often anyway (it also
 * keeps the relative times fresh).
 */
export const ROSTER_RESYNC_INTERVAL_MS = 30_000;
