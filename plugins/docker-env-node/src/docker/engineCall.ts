import { InputError } from '@backstage/errors';
import type Docker from 'dockerode';
import { UpstreamApiError } from '../errors';
import { callSignal } from '../timing/callSignal';

/** The longest stop/restart grace period a caller may ask for, in seconds. */
export const MAX_GRACE_SECONDS = 3600;

/**
 * dockerode's socket idle timeout for a client whose calls get `timeoutMs`: longer than a call plus the longest
 * grace period, since the engine sends nothing while a `stop` waits for the container. It is only a safety net:
 * {@link EngineCall.run} ends every call at its own deadline and aborts its request.
 */
export function socketIdleTimeoutMs(timeoutMs: number): number {
  return timeoutMs + MAX_GRACE_SECONDS * 1000;
}

/** A dockerode failure: HTTP status and the engine's JSON body when there was an answer. */
export type DockerodeError = Error & {
  statusCode?: number;
  json?: unknown;
  reason?: string;
  code?: string;
};

/** Turns a dockerode failure into an {@link UpstreamApiError} with the engine's message. */
export function toDockerError(
  target: string,
  operation: string,
  error: unknown,
): Error {
  const e = error as DockerodeError;
  if (e instanceof UpstreamApiError || e instanceof InputError) return e;
  const json = e?.json as { message?: string } | Buffer | string | undefined;
  let engineMessage: string | undefined;
  if (
    json &&
    typeof json === 'object' &&
    !Buffer.isBuffer(json) &&
    typeof json.message === 'string'
  ) {
    engineMessage = json.message;
  } else if (Buffer.isBuffer(json) || typeof json === 'string') {
    engineMessage = json.toString().trim().slice(0, 500) || undefined;
  } else if (typeof e?.statusCode === 'number') {
    // streaming calls (pull, events) carry the engine's message only in dockerode's error text
    const m = /^\(HTTP code \d+\) .*? - ([\s\S]*?)\s*$/.exec(e.message ?? '');
    if (m && m[1]) engineMessage = m[1];
  }
  const status = typeof e?.statusCode === 'number' ? e.statusCode : undefined;
  const reason = engineMessage ?? e?.code ?? e?.reason ?? e?.message;
  const what = status ? `HTTP ${status}` : e?.code ?? 'failed';
  return new UpstreamApiError(
    `Docker ${operation} on ${target}: ${what}: ${reason}`,
    { system: 'docker', status, reason, operation, cause: e },
  );
}

/** Rejects with the signal's reason once it aborts. */
function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason ?? new Error('aborted'));
    signal.addEventListener(
      'abort',
      () => reject(signal.reason ?? new Error('aborted')),
      { once: true },
    );
  });
}

/**
 * One engine and the deadline every call to it gets. dockerode's own `timeout` is a socket idle
 * timeout (and there is none over SSH), so each call races a timer of `timeoutMs` and aborts its
 * request when the timer wins (pass the signal to dockerode as `abortSignal`).
 */
export class EngineCall {
  constructor(
    readonly docker: Docker,
    readonly target: string,
    readonly timeoutMs: number,
  ) {}

  /**
   * Runs one request with the deadline (plus `extraMs`, e.g. a stop's grace period); failures
   * become {@link UpstreamApiError}s. `accept` maps an HTTP status that is a success for the
   * caller (e.g. 304 "already started").
   */
  async run<T>(
    operation: string,
    fn: (abortSignal: AbortSignal) => Promise<T>,
    options: { accept?: Record<number, () => T>; extraMs?: number } = {},
  ): Promise<T> {
    const { accept, extraMs = 0 } = options;
    const deadlineMs = this.timeoutMs + extraMs;
    const abort = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(
          Object.assign(new Error(`timed out after ${deadlineMs} ms`), {
            code: 'ETIMEDOUT',
          }),
        );
        abort.abort();
      }, deadlineMs);
    });
    // the call signal (the step's) ends the request too
    const outer = callSignal();
    const onOuterAbort = () => abort.abort(outer?.reason);
    outer?.addEventListener('abort', onOuterAbort, { once: true });
    if (outer?.aborted) abort.abort(outer.reason);
    try {
      return await Promise.race([
        fn(abort.signal),
        timeout,
        ...(outer ? [aborted(abort.signal)] : []),
      ]);
    } catch (e) {
      const status = (e as DockerodeError)?.statusCode;
      const accepted = status !== undefined ? accept?.[status] : undefined;
      if (accepted) return accepted();
      throw toDockerError(this.target, operation, e);
    } finally {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onOuterAbort);
    }
  }

  /** The error for a failure that happens on an open stream. */
  failure(operation: string, e: unknown): Error {
    return toDockerError(this.target, operation, e);
  }
}
