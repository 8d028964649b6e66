import { InputError } from '@backstage/errors';
import type { Readable } from 'node:stream';
import type { EngineCall } from './engineCall';
import { jsonLines } from './jsonLines';
import { labelFilter } from './labelFilter';
import type { DockerEventMessage } from './types';

/**
 * A running `/events` subscription.
 *
 * @public
 */
export interface DockerEventSubscription {
  close(): void;
}

/**
 * Filters and callbacks of {@link subscribeEvents}.
 *
 * @public
 */
export interface SubscribeEventsOptions {
  labels?: Record<string, string | true>;
  types?: string[];
  actions?: string[];
  /** Replay the engine's kept events from this time (millisecond precision), then stream. */
  since?: Date;
  /** The engine ends the stream at this time (`onEnd` is called). */
  until?: Date;
  onError?: (e: Error) => void;
  /** The stream ended without an error: `until` was reached, or a proxy closed it cleanly. Not called after `close()`. */
  onEnd?: () => void;
}

/** A time as the engine's `since`/`until` take it: Unix seconds with a fraction (`1700000000.123000000`). */
function engineTimestamp(at: Date, field: string): string {
  const ms = at.getTime();
  if (!Number.isFinite(ms) || ms < 0)
    throw new InputError(`${field}: must be a valid time after 1970`);
  return `${Math.floor(ms / 1000)}.${String(ms % 1000).padStart(3, '0')}000000`;
}

/**
 * Subscribes to `/events`: opening is under the call deadline, then events flow until `close()`, until the engine
 * ends the stream (`onEnd`), or until it fails or is cut (`onError`). Exactly one of the two is called, once.
 */
export async function subscribeEvents(
  engine: EngineCall,
  onEvent: (event: DockerEventMessage) => void,
  options: SubscribeEventsOptions,
): Promise<DockerEventSubscription> {
  const filters: Record<string, string[]> = {};
  const labels = labelFilter(options.labels);
  if (labels.length) filters.label = labels;
  for (const [key, list] of [
    ['type', options.types],
    ['event', options.actions],
  ] as const) {
    if (!list) continue;
    for (const v of list)
      if (!/^[a-z_]+(: ?[a-z]+)?$/.test(v))
        throw new InputError(`${key}: invalid value ${JSON.stringify(v)}`);
    filters[key] = [...list];
  }
  const controller = new AbortController();
  const getEvents = engine.docker.getEvents.bind(engine.docker) as (
    o: unknown,
  ) => Promise<unknown>;
  const stream = (await engine.run('GET /events', () =>
    getEvents({
      filters: JSON.stringify(filters),
      ...(options.since
        ? { since: engineTimestamp(options.since, 'since') }
        : {}),
      ...(options.until
        ? { until: engineTimestamp(options.until, 'until') }
        : {}),
      abortSignal: controller.signal,
    }),
  )) as Readable;
  const flush = jsonLines(stream, obj =>
    onEvent({
      type: obj.Type ?? obj.type,
      action: obj.Action ?? obj.status,
      id: obj.Actor?.ID ?? obj.id,
      attributes: obj.Actor?.Attributes ?? {},
      time: obj.time,
      timeNano: obj.timeNano,
    }),
  );
  let over = false;
  stream.on('error', err => {
    if (over || controller.signal.aborted) return;
    over = true;
    options.onError?.(engine.failure('GET /events', err));
  });
  stream.on('end', () => {
    flush();
    if (over || controller.signal.aborted) return;
    over = true;
    options.onEnd?.();
  });
  // a connection cut mid-body (no last chunk) closes the stream without 'end' on some Node versions
  stream.on('close', () => {
    if (over || controller.signal.aborted) return;
    over = true;
    options.onError?.(
      engine.failure('GET /events', new Error('stream closed before its end')),
    );
  });
  return {
    close: () => {
      controller.abort();
      stream.destroy();
    },
  };
}
