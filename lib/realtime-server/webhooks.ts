/**
 * Webhook delivery. Events are collected for a short window and POSTed as one signed batch to
 * every receiver. Delivery runs on its own timers and promises: nothing here ever blocks a socket
 * handler. Failed batches are retried with exponential backoff for a bounded time, and both the
 * pending-event queue and the number of batches in retry are bounded so a dead receiver cannot
 * exhaust memory.
 *
 * At most a few requests are on the wire per receiver; later batches wait their turn, oldest
 * first. A storm (10,000 sockets signing in) otherwise sent hundreds of batches at once to an app
 * that was busy signing those sockets in: they timed out, were retried while the app was still
 * handling the first copies, and the retries made the app slower still.
 */
import type { RealtimeLogger } from "./logger";
import { webhookSignature } from "./signatures";

export type WebhookEvent =
  | { name: "channel_occupied" | "channel_vacated" | "cache_miss"; channel: string }
  | { name: "member_added" | "member_removed"; channel: string; user_id: string }
  | { name: "client_event"; channel: string; event: string; data: string; socket_id: string; user_id?: string };

export interface WebhookSink {
  emit(event: WebhookEvent): void;
}

export interface WebhookDispatcherOptions {
  urls: readonly string[];
  key: string;
  secret: string;
  batchWindowMs: number;
  retry: { initialDelayMs: number; maxDelayMs: number; maxDurationMs: number };
  logger: RealtimeLogger;
  maxPendingEvents?: number;
  maxDeliveriesInFlight?: number;
  /** Requests on the wire at once per receiver URL. */
  maxConcurrentRequests?: number;
  requestTimeoutMs?: number;
}

interface Delivery {
  readonly url: string;
  /** Grows while the batch waits for its first attempt (see flush). */
  readonly events: WebhookEvent[];
  /** 0 until the first attempt. */
  firstAttemptAt: number;
  /** False for the last flush on close: one attempt only. */
  readonly retry: boolean;
  attempts: number;
  retryTimer?: NodeJS.Timeout;
  abort?: AbortController;
}

const EVENTS_PER_REQUEST = 100;

export class WebhookDispatcher implements WebhookSink {
  private pending: WebhookEvent[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly deliveries = new Set<Delivery>();
  /** Batches waiting for a free request slot, per receiver URL, oldest first. */
  private readonly waiting = new Map<string, Delivery[]>();
  private readonly sending = new Map<string, number>();
  private readonly requests = new Set<Promise<void>>();
  private droppedEvents = 0;
  private stopped = false;
  private readonly maxPendingEvents: number;
  private readonly maxDeliveriesInFlight: number;
  private readonly maxConcurrentRequests: number;
  private readonly requestTimeoutMs: number;

  constructor(private readonly options: WebhookDispatcherOptions) {
    this.maxPendingEvents = options.maxPendingEvents ?? 10_000;
    this.maxDeliveriesInFlight = options.maxDeliveriesInFlight ?? 1_000;
    this.maxConcurrentRequests = options.maxConcurrentRequests ?? 4;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  }

  get enabled(): boolean {
    return this.options.urls.length > 0;
  }

  emit(event: WebhookEvent): void {
    if (!this.enabled || this.stopped) return;
    if (this.pending.length >= this.maxPendingEvents) {
      this.pending.shift();
      this.noteDropped(1, "pending webhook queue is full");
    }
    this.pending.push(event);
    if (this.flushTimer === undefined) {
      this.flushTimer = setTimeout(() => this.flush(true), this.options.batchWindowMs);
    }
  }

  /**
   * Sends what is pending once more without retries, abandons batches waiting for a retry and
   * waits (bounded) for requests already on the wire and the batches queued behind them.
   */
  async close(graceMs = 1_000): Promise<void> {
    if (this.stopped) return;
    this.flush(false);
    this.stopped = true;
    for (const delivery of this.deliveries) {
      if (delivery.retryTimer) {
        clearTimeout(delivery.retryTimer);
        this.deliveries.delete(delivery);
      }
    }
    const deadline = Date.now() + graceMs;
    // A finished request starts the next queued one before it settles, so this loop sees it.
    while (this.requests.size > 0 && Date.now() < deadline) {
      let graceTimer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => {
        graceTimer = setTimeout(resolve, deadline - Date.now());
      });
      await Promise.race([Promise.allSettled([...this.requests]), grace]);
      clearTimeout(graceTimer);
    }
    for (const delivery of this.deliveries) delivery.abort?.abort();
    for (const queue of this.waiting.values()) {
      for (const delivery of queue) this.noteDropped(delivery.events.length, "shutting down before the receiver took them");
    }
    this.waiting.clear();
    this.deliveries.clear();
    if (this.droppedEvents > 0) this.reportDropped();
  }

  private flush(retry: boolean): void {
    if (this.flushTimer !== undefined) {
      clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
    }
    if (this.pending.length === 0) return;
    const events = this.pending;
    this.pending = [];
    for (const url of this.options.urls) {
      // While the receiver is backlogged, new events join the last batch still waiting, up to a
      // full request: otherwise every batch window would queue one small request of its own.
      const tail = this.waiting.get(url)?.at(-1);
      const room = tail && tail.attempts === 0 ? EVENTS_PER_REQUEST - tail.events.length : 0;
      if (tail && room > 0) tail.events.push(...events.slice(0, room));
      const rest = room > 0 ? events.slice(room) : events;
      for (let start = 0; start < rest.length; start += EVENTS_PER_REQUEST) {
        const batch = rest.slice(start, start + EVENTS_PER_REQUEST);
        if (this.deliveries.size >= this.maxDeliveriesInFlight) {
          this.noteDropped(batch.length, "too many webhook batches in flight");
          continue;
        }
        const delivery: Delivery = { url, events: batch, firstAttemptAt: 0, retry, attempts: 0 };
        this.deliveries.add(delivery);
        this.enqueue(delivery, false);
      }
    }
  }

  /** A retried batch goes back to the front: it is older than everything queued behind it. */
  private enqueue(delivery: Delivery, front: boolean): void {
    let queue = this.waiting.get(delivery.url);
    if (!queue) this.waiting.set(delivery.url, (queue = []));
    if (front) queue.unshift(delivery);
    else queue.push(delivery);
    this.pump(delivery.url);
  }

  private pump(url: string): void {
    const queue = this.waiting.get(url);
    while (queue && queue.length > 0 && (this.sending.get(url) ?? 0) < this.maxConcurrentRequests) {
      this.sending.set(url, (this.sending.get(url) ?? 0) + 1);
      this.attempt(queue.shift()!);
    }
    if (queue?.length === 0) this.waiting.delete(url);
  }

  private attempt(delivery: Delivery): void {
    if (delivery.attempts === 0) delivery.firstAttemptAt = Date.now();
    delivery.attempts += 1;
    // Stamped and signed per attempt, so a batch that waited in the queue or for a retry is not
    // refused as stale by a receiver that checks time_ms (the app does).
    const body = JSON.stringify({ time_ms: Date.now(), events: delivery.events });
    const abort = new AbortController();
    delivery.abort = abort;
    const timeout = setTimeout(() => abort.abort(), this.requestTimeoutMs);
    const request = fetch(delivery.url, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "X-Pusher-Key": this.options.key,
        "X-Pusher-Signature": webhookSignature(this.options.secret, body),
      },
      body,
      signal: abort.signal,
    })
      .then(async (response) => {
        // Drain the body so the keep-alive connection can be reused.
        await response.arrayBuffer().catch(() => undefined);
        if (response.status < 200 || response.status >= 300) throw new Error(`receiver answered HTTP ${response.status}`);
        this.deliveries.delete(delivery);
      })
      .catch((error: unknown) => this.onFailure(delivery, error))
      .finally(() => {
        clearTimeout(timeout);
        this.requests.delete(request);
        this.sending.set(delivery.url, (this.sending.get(delivery.url) ?? 1) - 1);
        this.pump(delivery.url);
      });
    this.requests.add(request);
  }

  private onFailure(delivery: Delivery, error: unknown): void {
    const reason = error instanceof Error ? error.message : String(error);
    const { initialDelayMs, maxDelayMs, maxDurationMs } = this.options.retry;
    const delay = Math.min(maxDelayMs, initialDelayMs * 2 ** (delivery.attempts - 1));
    const giveUp = !delivery.retry || this.stopped || Date.now() + delay - delivery.firstAttemptAt > maxDurationMs;
    if (giveUp) {
      this.deliveries.delete(delivery);
      this.options.logger.warn("webhook delivery abandoned", { url: delivery.url, attempts: delivery.attempts, reason });
      return;
    }
    this.options.logger.warn("webhook delivery failed, will retry", {
      url: delivery.url,
      attempts: delivery.attempts,
      retryInMs: delay,
      reason,
    });
    delivery.retryTimer = setTimeout(() => {
      delivery.retryTimer = undefined;
      this.enqueue(delivery, true);
    }, delay);
    delivery.retryTimer.unref();
  }

  private noteDropped(count: number, reason: string): void {
    // Logged once per burst rather than per event so a dead receiver cannot flood the log.
    if (this.droppedEvents === 0) this.options.logger.warn("dropping webhook events", { reason });
    this.droppedEvents += count;
  }

  private reportDropped(): void {
    this.options.logger.warn("webhook events dropped in total", { count: this.droppedEvents });
  }
}
