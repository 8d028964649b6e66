import { UpstreamApiError } from '../errors';
import { sleep } from '../timing/sleep';
import { assertUpid } from '../validation/proxmoxValues';
import type { WaitForTaskOptions } from './ProxmoxClient';
import type { PveRequester } from './PveTransport';
import { ProxmoxTaskError } from './ProxmoxTaskError';
import type { PollBackoff, PveTaskStatus } from './types';

const DEFAULT_BACKOFF: PollBackoff = {
  initialMs: 250,
  maxMs: 2000,
  factor: 1.5,
};

/**
 * Polls a task's status on the node that runs it (from the UPID) until it stops: OK or `WARNINGS: n` answer the
 * status, any other exit status is a {@link ProxmoxTaskError}; a few transport failures are ridden out.
 */
export async function waitForTask(
  transport: PveRequester,
  upid: string,
  options: WaitForTaskOptions = {},
): Promise<PveTaskStatus> {
  assertUpid(upid);
  const taskNode = upid.split(':')[1];
  const timeoutMs = options.timeoutMs ?? 300_000;
  const backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
  const deadline = Date.now() + timeoutMs;
  let delay = backoff.initialMs;
  let transientFailures = 0;
  for (;;) {
    let status: PveTaskStatus | undefined;
    try {
      status = (await transport.request(
        'GET',
        `/nodes/${taskNode}/tasks/${encodeURIComponent(upid)}/status`,
        undefined,
        { signal: options.signal },
      )) as PveTaskStatus;
      transientFailures = 0;
    } catch (err) {
      // polling is a safe GET: ride out a few transport failures, never an HTTP error
      if (
        options.signal?.aborted ||
        !(err instanceof UpstreamApiError) ||
        err.status !== undefined ||
        ++transientFailures > 3
      )
        throw err;
    }
    if (status?.status === 'stopped') {
      const exit = status.exitstatus ?? '';
      if (exit === 'OK' || /^WARNINGS: \d+$/.test(exit)) return status;
      throw new ProxmoxTaskError(upid, status.type, exit);
    }
    const left = deadline - Date.now();
    if (left <= 0) {
      throw new UpstreamApiError(
        `Proxmox task ${upid} still running after ${timeoutMs} ms`,
        {
          system: 'proxmox',
          reason: 'task timeout',
          operation: `GET /nodes/${taskNode}/tasks/{upid}/status`,
        },
      );
    }
    await sleep(Math.min(delay, left), options.signal);
    delay = Math.min(backoff.maxMs, delay * backoff.factor);
  }
}
