import "server-only";

/*
 * The one way the app's endpoints read a request body. request.text(), .json() and .formData()
 * buffer the whole body before the caller can look at its size, so a client streaming a body that
 * never ends holds the request (and grows the process's memory) for as long as it likes. This reads
 * the stream chunk by chunk, counts bytes, and gives up at the endpoint's limit: the stream is
 * cancelled and the caller answers 413 without waiting for the rest.
 *
 * Under `next start` the body is the Node request stream, so after the 413 the unread remainder
 * is left in the socket (no buffering; TCP back-pressure stalls the sender) until Node's own
 * request timeout closes the connection. Cutting such clients off sooner is the edge's job.
 */

export type CappedBody = { ok: true; bytes: Buffer } | { ok: false; status: 400 | 413; error: string };

/** "4 KiB", "256 KiB", "1.5 MiB", "100 bytes": how limits are named in error messages. */
export function describeByteLimit(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % ((1024 * 1024) / 2) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 512 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

/** The 413 message every endpoint uses, naming its limit. */
export function bodyTooLargeMessage(limitBytes: number): string {
  return `Request body is too large: this endpoint accepts at most ${describeByteLimit(limitBytes)}.`;
}

/**
 * Reads at most `limitBytes` of the body. A declared Content-Length over the limit is refused
 * before a single byte is read; otherwise the count is kept as chunks arrive (chunked bodies have
 * no length to trust, and a declared one can be a lie). A missing body reads as empty.
 */
export async function readCappedBody(request: Request, limitBytes: number): Promise<CappedBody> {
  const tooLarge = { ok: false, status: 413, error: bodyTooLargeMessage(limitBytes) } as const;
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limitBytes) {
    cancelQuietly(request.body);
    return tooLarge;
  }
  if (!request.body) return { ok: true, bytes: Buffer.alloc(0) };

  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > limitBytes) {
        // Not awaited: the 413 must not wait on whatever the source does when cancelled.
        reader.cancel(new Error("request body over its limit")).catch(() => undefined);
        return tooLarge;
      }
      chunks.push(value);
    }
  } catch {
    // The client went away mid-body (or the stream errored): nothing sensible to parse.
    return { ok: false, status: 400, error: "The request body could not be read completely." };
  }
  return { ok: true, bytes: Buffer.concat(chunks, total) };
}

function cancelQuietly(body: ReadableStream<Uint8Array> | null): void {
  if (body && !body.locked) body.cancel(new Error("request body over its limit")).catch(() => undefined);
}
