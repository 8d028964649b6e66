import type { StepContext } from '../operations';

/** Reads a fact an earlier step recorded; a missing one means the steps ran out of order. */
export function fact<T extends string | number>(
  ctx: StepContext,
  key: string,
  type: 'string' | 'number',
): T {
  const v = ctx.facts[key];
  if (typeof v !== type) {
    throw new Error(
      `provisioning: fact "${key}" is missing (an earlier step did not record it)`,
    );
  }
  return v as T;
}

/** Resolves with the promise, or rejects as soon as the signal aborts (the step's timeout). */
export function abortable<T>(
  promise: Promise<T>,
  signal: AbortSignal,
): Promise<T> {
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      v => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      e => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error
    ? signal.reason
    : new Error('step aborted (timeout or cancel)');
}

/** Waits, or rejects when the signal aborts. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return abortable(
    new Promise<void>(resolve => {
      const t = setTimeout(resolve, ms);
      signal.addEventListener('abort', () => clearTimeout(t), { once: true });
    }),
    signal,
  );
}

/** Calls `attempt` until it returns a value, pausing between tries; stops when the signal aborts. */
export async function poll<T>(
  signal: AbortSignal,
  intervalMs: number,
  attempt: () => Promise<T | undefined>,
): Promise<T> {
  for (;;) {
    signal.throwIfAborted();
    const v = await abortable(attempt(), signal);
    if (v !== undefined) return v;
    await pause(intervalMs, signal);
  }
}

/** The owner's name from an entity ref (`group:default/team-a` -> `team-a`). */
export function ownerName(owner: string): string {
  const m = /^(user|group):(?:[a-z0-9-]+\/)?([A-Za-z0-9._-]+)$/.exec(owner);
  if (!m)
    throw new Error(
      `owner: ${JSON.stringify(owner)} is not a user or group entity ref`,
    );
  return m[2];
}

/**
 * Backoff for waiting on a Proxmox task: the first polls come quickly (short tasks end in tens of
 * ms) and the interval caps the rest, so a wait overshoots the task's end by at most one interval.
 */
export function taskBackoff(intervalMs: number) {
  return { initialMs: Math.min(50, intervalMs), maxMs: intervalMs, factor: 2 };
}
