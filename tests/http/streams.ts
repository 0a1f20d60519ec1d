/**
 * Request bodies an attacker can send: one that never ends, and one that claims a huge
 * Content-Length. Each records how much the server pulled and whether it cancelled the stream,
 * so a test can tell "stopped at the limit" from "buffered everything".
 */
export interface EndlessBody {
  stream: ReadableStream<Uint8Array>;
  /** Bytes handed to the reader so far. */
  pulledBytes(): number;
  cancelled(): boolean;
}

/** 16 KiB of "a" per pull, one pull per millisecond at most: slow enough that a test timeout can fire. */
const CHUNK_BYTES = 16 * 1024;
/**
 * Failing code reads forever; the stream gives up by itself after this long so a red run of the
 * suite doesn't keep eating memory after its test timed out.
 */
const GIVE_UP_MS = 8_000;

export function endlessBody(): EndlessBody {
  let pulled = 0;
  let cancelled = false;
  const startedAt = Date.now();
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      // Yield to timers between chunks: a tight loop of microtasks would starve the test's timeout.
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (Date.now() - startedAt > GIVE_UP_MS) {
        controller.error(new Error("endless test body gave up: the server never stopped reading"));
        return;
      }
      pulled += CHUNK_BYTES;
      controller.enqueue(new Uint8Array(CHUNK_BYTES).fill(0x61));
    },
    cancel() {
      cancelled = true;
    },
  });
  return { stream, pulledBytes: () => pulled, cancelled: () => cancelled };
}

/** The largest amount a capped reader may pull: the limit plus the chunk that crossed it. */
export function maxPulledFor(limitBytes: number): number {
  return limitBytes + CHUNK_BYTES;
}

/** A POST whose body is `stream`, sent as Node's fetch streams it (chunked, duplex: "half"). */
export function streamingRequest(url: string, stream: ReadableStream<Uint8Array>, headers: Record<string, string>): Request {
  return new Request(url, { method: "POST", headers, body: stream, duplex: "half" } as RequestInit & { duplex: "half" });
}
