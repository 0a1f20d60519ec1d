import type { IncomingMessage } from "node:http";
import { HttpError } from "./errors";

/** Buffers the request body, refusing (413) anything larger than `limitBytes` without buffering it. */
export function readBody(request: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const declared = Number(request.headers["content-length"] ?? 0);
  if (declared > limitBytes) {
    request.resume();
    return Promise.reject(new HttpError(413, `Request body is larger than ${limitBytes} bytes`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let refused = false;
    request.on("data", (chunk: Buffer) => {
      if (refused) return;
      received += chunk.length;
      if (received > limitBytes) {
        refused = true;
        chunks.length = 0;
        reject(new HttpError(413, `Request body is larger than ${limitBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => {
      if (!refused) resolve(Buffer.concat(chunks));
    });
    request.on("error", (error) => {
      if (!refused) reject(error);
    });
  });
}
