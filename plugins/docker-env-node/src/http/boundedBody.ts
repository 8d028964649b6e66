/** The most any JSON API answer of the clients may hold; a larger answer is refused, never buffered whole. */
export const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

/** Thrown by {@link readBoundedText} when a body is larger than allowed. */
export class ResponseTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`answer larger than ${maxBytes} bytes`);
    this.name = 'ResponseTooLargeError';
  }
}

/**
 * Reads a response body as UTF-8 text, at most `maxBytes` of it: past that the stream is cancelled and
 * {@link ResponseTooLargeError} is thrown (the caller wraps it into its own upstream error).
 */
export async function readBoundedText(
  res: Response,
  maxBytes: number = MAX_RESPONSE_BYTES,
): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new ResponseTooLargeError(maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
