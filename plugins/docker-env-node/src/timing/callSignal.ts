import { AsyncLocalStorage } from 'node:async_hooks';

const current = new AsyncLocalStorage<AbortSignal>();

/**
 * Runs `work` with `signal` as its call signal: every client call it makes, however deep (the Proxmox, NetBox,
 * Portainer and Docker transports, retry sleeps, task and address polls), stops when `signal` aborts. The runner runs
 * each step under the step's signal, so a step that timed out or lost its lease sends nothing more.
 *
 * @public
 */
export function withCallSignal<T>(signal: AbortSignal, work: () => T): T {
  return current.run(signal, work);
}

/**
 * The signal a client call stops on: `own` (a caller's signal, if any) and the call signal of the surrounding
 * {@link withCallSignal}; undefined when there is neither.
 *
 * @public
 */
export function callSignal(own?: AbortSignal): AbortSignal | undefined {
  const ambient = current.getStore();
  if (!ambient || own === ambient) return own ?? ambient;
  if (!own) return ambient;
  return AbortSignal.any([own, ambient]);
}

/**
 * Throws the call signal's reason when it has aborted: a client calls it before a write it must not send once the
 * step gave up (a retried clone's POST).
 *
 * @public
 */
export function throwIfCallAborted(): void {
  current.getStore()?.throwIfAborted();
}
