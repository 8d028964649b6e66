import { withCallSignal } from '@docker-env/plugin-docker-env-node';

/** A step's `run` or `undo` took longer than its `timeoutMs`. */
export class StepTimeoutError extends Error {
  name = 'StepTimeoutError';
  constructor(timeoutMs: number) {
    super(`timed out after ${timeoutMs} ms`);
  }
}

/** The runner is shutting down; the operation is left for another runner (or this one after restart) to resume. */
export class RunnerStoppedError extends Error {
  name = 'RunnerStoppedError';
  constructor() {
    super('the runner is shutting down');
  }
}

/**
 * Runs `work` with a signal that aborts when `timeoutMs` passes or `parent` aborts, and rejects at that moment even
 * if `work` ignores its signal (a hung call must not hold the operation). The signal is also `work`'s call signal
 * (`withCallSignal`): every client call it makes (HTTP, retry sleeps, task polls) stops with it, so a step that gave up
 * sends nothing more.
 */
export async function withTimeout<T>(
  work: (signal: AbortSignal) => Promise<T>,
  timeoutMs: number,
  parent: AbortSignal,
): Promise<T> {
  parent.throwIfAborted();
  const controller = new AbortController();
  const onParentAbort = () => controller.abort(parent.reason);
  parent.addEventListener('abort', onParentAbort, { once: true });
  const timer = setTimeout(
    () => controller.abort(new StepTimeoutError(timeoutMs)),
    timeoutMs,
  );
  const aborted = new Promise<never>((_, reject) => {
    controller.signal.addEventListener(
      'abort',
      () => reject(controller.signal.reason),
      { once: true },
    );
  });
  const running = withCallSignal(controller.signal, () =>
    Promise.resolve().then(() => work(controller.signal)),
  );
  // Whichever of the two loses the race may still settle later: that is expected, not an unhandled rejection.
  aborted.catch(() => {});
  running.catch(() => {});
  try {
    return await Promise.race([running, aborted]);
  } finally {
    clearTimeout(timer);
    parent.removeEventListener('abort', onParentAbort);
  }
}
