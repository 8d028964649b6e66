import type { Readable } from 'node:stream';

/**
 * Parses newline-delimited JSON from a stream, calling back per object; returns a flush for the
 * last line without a newline. A line longer than `maxLineBytes` fails the stream's reader via `onBad`.
 */
export function jsonLines(
  stream: Readable,
  onObject: (obj: any) => void,
  onBad?: (line: string) => void,
  maxLineBytes = 1024 * 1024,
): () => void {
  let buf = '';
  stream.on('data', (chunk: Buffer | string) => {
    buf += chunk.toString();
    for (let pos = buf.indexOf('\n'); pos >= 0; pos = buf.indexOf('\n')) {
      const line = buf.slice(0, pos).trim();
      buf = buf.slice(pos + 1);
      if (!line) continue;
      try {
        onObject(JSON.parse(line));
      } catch {
        onBad?.(line);
      }
    }
    if (buf.length > maxLineBytes) {
      onBad?.(buf.slice(0, 200));
      buf = '';
    }
  });
  return () => {
    const rest = buf.trim();
    buf = '';
    if (rest) {
      try {
        onObject(JSON.parse(rest));
      } catch {
        onBad?.(rest);
      }
    }
  };
}
