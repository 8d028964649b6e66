import { InputError } from '@backstage/errors';
import type { Readable } from 'node:stream';
import { assertInteger } from '../validation';
import type { EngineCall } from './engineCall';
import type {
  ContainerLogs,
  LogChunk,
  LogStreamHandlers,
  LogsOptions,
} from './types';

/** Lines read when the caller gives no `tail`. */
export const DEFAULT_LOG_TAIL = 1000;
/** Bytes kept when the caller gives no `maxBytes`. */
export const DEFAULT_LOG_MAX_BYTES = 1024 * 1024;

function seconds(d: Date | undefined, field: string): number | undefined {
  if (d === undefined) return undefined;
  if (!(d instanceof Date) || Number.isNaN(d.getTime()))
    throw new InputError(`${field}: must be a valid date`);
  return Math.floor(d.getTime() / 1000);
}

/** Validates log options and builds the `/logs` query. */
function logsQuery(options: LogsOptions, follow: boolean) {
  const since = seconds(options.since, 'since');
  const until = seconds(options.until, 'until');
  if (since !== undefined && until !== undefined && until < since)
    throw new InputError('until: must not be before since');
  return {
    stdout: options.stdout !== false,
    stderr: options.stderr !== false,
    timestamps: options.timestamps === true,
    tail: String(
      assertInteger(options.tail ?? DEFAULT_LOG_TAIL, 'tail', 0, 100_000),
    ),
    ...(since !== undefined ? { since } : {}),
    ...(until !== undefined ? { until } : {}),
    follow,
  };
}

/**
 * Splits Docker's multiplexed log frames (8-byte header: stream, 3 zero bytes, big-endian size)
 * into chunks; a TTY container's output is raw and all stdout.
 */
function frameParser(tty: boolean, emit: (chunk: LogChunk) => void) {
  let pending: Buffer = Buffer.alloc(0);
  return (data: Buffer) => {
    if (tty) {
      emit({ stream: 'stdout', data });
      return;
    }
    pending = pending.length ? Buffer.concat([pending, data]) : data;
    while (pending.length >= 8) {
      const size = pending.readUInt32BE(4);
      if (pending.length < 8 + size) break;
      const type = pending[0];
      emit({
        stream: type === 2 ? 'stderr' : 'stdout',
        data: pending.subarray(8, 8 + size),
      });
      pending = pending.subarray(8 + size);
    }
  };
}

/** Opens `GET /containers/{id}/logs` as a stream (dockerode returns a whole buffer without `follow`). */
async function openLogStream(
  engine: EngineCall,
  ref: string,
  query: Record<string, unknown>,
  signal: AbortSignal,
): Promise<{ stream: Readable; tty: boolean }> {
  const operation = `GET /containers/${ref}/logs`;
  const container = engine.docker.getContainer(ref);
  const [info, stream] = await Promise.all([
    engine.run(`GET /containers/${ref}/json`, () => container.inspect()),
    engine.run(
      operation,
      () =>
        new Promise<Readable>((resolve, reject) =>
          engine.docker.modem.dial(
            {
              path: `/containers/${encodeURIComponent(ref)}/logs?`,
              method: 'GET',
              isStream: true,
              abortSignal: signal,
              statusCodes: {
                200: true,
                404: 'no such container',
                500: 'server error',
              },
              options: query,
            } as any,
            (err: unknown, s: unknown) =>
              err ? reject(err) : resolve(s as Readable),
          ),
        ),
    ),
  ]);
  return { stream, tty: info.Config?.Tty === true };
}

/**
 * Reads a container's logs, bounded: the last `tail` lines (default 1000), at most `maxBytes`
 * (default 1 MiB; `truncated` says when more was there) and within the call deadline.
 */
export async function readLogs(
  engine: EngineCall,
  ref: string,
  options: LogsOptions,
): Promise<ContainerLogs> {
  const maxBytes = assertInteger(
    options.maxBytes ?? DEFAULT_LOG_MAX_BYTES,
    'maxBytes',
    1,
    64 * 1024 * 1024,
  );
  const query = logsQuery(options, false);
  const operation = `GET /containers/${ref}/logs`;
  const controller = new AbortController();
  const { stream, tty } = await openLogStream(
    engine,
    ref,
    query,
    controller.signal,
  );
  const parts = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  let total = 0;
  let truncated = false;
  return engine
    .run(
      operation,
      () =>
        new Promise<ContainerLogs>((resolve, reject) => {
          const finish = () =>
            resolve({
              stdout: Buffer.concat(parts.stdout).toString('utf8'),
              stderr: Buffer.concat(parts.stderr).toString('utf8'),
              truncated,
            });
          const parse = frameParser(tty, chunk => {
            if (truncated) return;
            const room = maxBytes - total;
            const data =
              chunk.data.length > room
                ? chunk.data.subarray(0, room)
                : chunk.data;
            parts[chunk.stream].push(Buffer.from(data));
            total += data.length;
            if (chunk.data.length > room) {
              truncated = true;
              controller.abort();
              stream.destroy();
              finish();
            }
          });
          stream.on('data', (d: Buffer) => parse(Buffer.from(d)));
          stream.on('end', finish);
          stream.on('error', err => {
            if (!truncated) reject(err);
          });
        }),
    )
    .finally(() => {
      controller.abort();
      stream.destroy();
    });
}

/**
 * Streams a container's logs chunk by chunk (with `follow`, new output as it comes) until the
 * engine ends the stream or `close()` is called. Only opening the stream is under the deadline.
 */
export async function streamLogs(
  engine: EngineCall,
  ref: string,
  options: LogsOptions & { follow?: boolean },
  handlers: LogStreamHandlers,
): Promise<{ close(): void }> {
  const query = logsQuery(options, options.follow === true);
  const controller = new AbortController();
  const { stream, tty } = await openLogStream(
    engine,
    ref,
    query,
    controller.signal,
  );
  const parse = frameParser(tty, handlers.onChunk);
  stream.on('data', (d: Buffer) => parse(Buffer.from(d)));
  stream.on('end', () => handlers.onEnd?.());
  stream.on('error', err => {
    if (!controller.signal.aborted)
      handlers.onError?.(engine.failure(`GET /containers/${ref}/logs`, err));
  });
  return {
    close: () => {
      controller.abort();
      stream.destroy();
    },
  };
}
