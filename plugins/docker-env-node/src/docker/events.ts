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
  since?: Date;
  onError?: (e: Error) => void;
}

/**
 * Subscribes to `/events`: opening is under the call deadline, then events flow until `close()`
 * (or the engine ends the stream, reported through `onError`).
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
        ? { since: Math.floor(options.since.getTime() / 1000) }
        : {}),
      abortSignal: controller.signal,
    }),
  )) as Readable;
  jsonLines(stream, obj =>
    onEvent({
      type: obj.Type ?? obj.type,
      action: obj.Action ?? obj.status,
      id: obj.Actor?.ID ?? obj.id,
      attributes: obj.Actor?.Attributes ?? {},
      time: obj.time,
      timeNano: obj.timeNano,
    }),
  );
  stream.on('error', err => {
    if (!controller.signal.aborted)
      options.onError?.(engine.failure('GET /events', err));
  });
  return {
    close: () => {
      controller.abort();
      stream.destroy();
    },
  };
}
