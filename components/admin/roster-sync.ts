/**
 * The admin console's roster state machine, without React (useRoster wraps it; tests drive it
 * directly against the real API): `roster-changed` deltas are applied to the shown page in place
 * (lib/roster/apply-delta.ts), and the page is refetched only when a delta can't be applied (a gap
 * in a process's version numbers, a burst too large to list, someone who may sort onto the page),
 * on (re)subscription, and every ROSTER_RESYNC_INTERVAL_MS. Refetches are throttled to one per
 * ROSTER_RESYNC_MIN_INTERVAL_MS and the last one always runs, so a storm costs a bounded number of
 * page loads and its final state shows right after it.
 */
import { applyRosterDelta, parseRosterChanged } from "@/lib/roster/apply-delta";
import { ROSTER_RESYNC_INTERVAL_MS, ROSTER_RESYNC_MIN_INTERVAL_MS } from "@/lib/roster/constants";
import type { RosterChangedPayload, RosterPage, RosterQuery } from "@/lib/roster/roster-types";

/** A failed refetch is tried again after this, doubling up to the periodic resync's interval. */
const FIRST_RETRY_MS = 1_000;

/** What the console shows and has applied: the bench and tests read the latter from the table's data attributes. */
export interface RosterSnapshot {
  view: RosterPage;
  fetchError: string | null;
  /** The last delta applied, as "source:version", or null before the first one. */
  version: string | null;
  /** Pages fetched since the first render. */
  resyncs: number;
  /** When the shown state last changed (a delta or a fetch), ms since the epoch. */
  appliedAt: number;
}

/** One page of the roster, or the error to show. Never throws. */
export type FetchRosterPage = (query: RosterQuery) => Promise<{ ok: true; page: RosterPage } | { ok: false; error: string }>;

interface FetchInFlight {
  /** Deltas heard meanwhile: re-applied on the fresh page, which may predate them. */
  buffered: RosterChangedPayload[];
  /** Set when the answer is already outdated (a kick removed a row it may still show). */
  discard: boolean;
}

export function isRosterPage(body: unknown): body is RosterPage {
  const page = body as Partial<RosterPage> | null;
  return !!page && Array.isArray(page.users) && Number.isSafeInteger(page.total) && Number.isSafeInteger(page.onlineUsers);
}

/** GET /api/admin/roster from the browser. */
export function fetchRosterPageOver(fetchImpl: typeof fetch, url: (query: RosterQuery) => string): FetchRosterPage {
  return async (query) => {
    try {
      const response = await fetchImpl(url(query), { cache: "no-store", headers: { Accept: "application/json" } });
      const body = (await response.json().catch(() => null)) as (RosterPage & { error?: string }) | null;
      if (!response.ok || !isRosterPage(body))
        return { ok: false, error: body?.error ?? `Could not refresh the roster (HTTP ${response.status}).` };
      return { ok: true, page: body };
    } catch {
      return { ok: false, error: "Could not refresh the roster: the server is unreachable." };
    }
  };
}

export class RosterSync {
  private snapshot: RosterSnapshot;
  private readonly versions = new Map<string, number>();
  private inFlight: FetchInFlight | null = null;
  private rerun = false;
  private lastFetchAt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private retryMs = 0;
  private readonly poll: ReturnType<typeof setInterval>;
  private disposed = false;

  constructor(
    initial: RosterPage,
    private readonly query: RosterQuery,
    private readonly fetchPage: FetchRosterPage,
    private readonly onChange: (snapshot: RosterSnapshot) => void,
    renderedAt: number = Date.now(),
  ) {
    this.snapshot = { view: initial, fetchError: null, version: null, resyncs: 0, appliedAt: renderedAt };
    this.poll = setInterval(() => this.scheduleResync(), ROSTER_RESYNC_INTERVAL_MS);
  }

  get current(): RosterSnapshot {
    return this.snapshot;
  }

  dispose(): void {
    this.disposed = true;
    clearInterval(this.poll);
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private update(changes: Partial<RosterSnapshot>): void {
    if (this.disposed) return;
    this.snapshot = { ...this.snapshot, ...changes };
    this.onChange(this.snapshot);
  }

  /** A `roster-changed` event arrived. */
  handleEvent(data: unknown): void {
    const payload = parseRosterChanged(data);
    if (!payload) {
      this.scheduleResync();
      return;
    }
    const last = this.versions.get(payload.source);
    if (last !== undefined && payload.version <= last) return; // A duplicate, or older than what was applied.
    const gap = last !== undefined && payload.version > last + 1;
    this.versions.set(payload.source, payload.version);
    this.inFlight?.buffered.push(payload);
    const applied = applyRosterDelta(this.snapshot.view, payload, this.query);
    this.update({ view: applied.view, version: `${payload.source}:${payload.version}`, appliedAt: Date.now() });
    if (gap || applied.resync) this.scheduleResync();
  }

  /** Kick, sign-out-everywhere and ban close every connection: the row goes at once, then the page is refetched. */
  removeUser(userId: string): void {
    // A page already in flight may predate the disconnect: its answer is dropped.
    if (this.inFlight) this.inFlight.discard = true;
    const { view } = this.snapshot;
    this.update({ view: { ...view, users: view.users.filter((entry) => entry.userId !== userId) } });
    this.scheduleResync();
  }

  /** Refetch soon: now, or once ROSTER_RESYNC_MIN_INTERVAL_MS has passed since the last fetch. */
  scheduleResync(): void {
    if (this.disposed) return;
    if (this.inFlight) {
      this.rerun = true;
      return;
    }
    if (this.timer) return;
    const wait = Math.max(0, this.lastFetchAt + ROSTER_RESYNC_MIN_INTERVAL_MS - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.resync();
    }, wait);
  }

  /** Refetch now (the Refresh button), or right after the fetch under way. */
  async resync(): Promise<void> {
    if (this.disposed) return;
    if (this.inFlight) {
      this.rerun = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const request: FetchInFlight = { buffered: [], discard: false };
    this.inFlight = request;
    this.lastFetchAt = Date.now();
    // The fresh page covers whatever each process published so far: numbering restarts from here.
    this.versions.clear();
    const answer = await this.fetchPage(this.query);
    this.inFlight = null;
    if (!answer.ok) {
      this.update({ fetchError: answer.error });
      // A reset connection in a storm is no reason to wait for the periodic resync.
      this.retryMs = Math.min(ROSTER_RESYNC_INTERVAL_MS, this.retryMs ? this.retryMs * 2 : FIRST_RETRY_MS);
      if (!this.timer && !this.disposed) {
        this.timer = setTimeout(() => {
          this.timer = null;
          void this.resync();
        }, this.retryMs);
      }
      return;
    }
    if (!request.discard) {
      let view = answer.page;
      for (const payload of request.buffered) {
        const applied = applyRosterDelta(view, payload, this.query);
        view = applied.view;
        // Published after the page was read, and not applicable to it: one more fetch.
        if (applied.resync) this.rerun = true;
      }
      this.retryMs = 0;
      this.update({ view, fetchError: null, resyncs: this.snapshot.resyncs + 1, appliedAt: Date.now() });
    }
    if (this.rerun || request.discard) {
      this.rerun = false;
      this.scheduleResync();
    }
  }
}
