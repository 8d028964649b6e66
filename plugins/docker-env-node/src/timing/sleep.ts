import { callSignal } from './callSignal';

/**
 * Waits `ms`; rejects with the signal's reason as soon as `signal` (or the call signal, see `withCallSignal`)
 * aborts (the timer is cleared).
 *
 * @internal
 */
export function sleep(ms: number, own?: AbortSignal): Promise<void> {
  const signal = callSignal(own);
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason ?? new Error('aborted'));
      return;
    }
    let timer: NodeJS.Timeout | undefined = undefined;
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason ?? new Error('aborted'));
    };
    timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
