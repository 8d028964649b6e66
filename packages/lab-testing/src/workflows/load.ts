/** What a bounded load run saw. */
export interface LoadResult<T> {
  result: T;
  sent: number;
  /** Every answer that was not 200 (status or error message), in order. */
  failures: Array<number | string>;
  /** The `label`s of the 200 answers, each repeat of the one before left out. */
  seen: string[];
}

/**
 * Sends requests with `concurrency` clients while `work` runs (at most `maxRequests` in all, so a slow edge cannot
 * make the test unbounded), then returns what `work` returned and what the clients saw.
 */
export async function underLoad<T>(
  request: () => Promise<{ status: number; label?: string }>,
  work: () => Promise<T>,
  options: { concurrency?: number; maxRequests?: number } = {},
): Promise<LoadResult<T>> {
  const maxRequests = options.maxRequests ?? 20_000;
  let sent = 0;
  let running = true;
  const failures: Array<number | string> = [];
  const seen: string[] = [];
  const client = async () => {
    while (running && sent < maxRequests) {
      sent++;
      try {
        const r = await request();
        if (r.status !== 200) failures.push(r.status);
        else if (r.label !== undefined && seen.at(-1) !== r.label)
          seen.push(r.label);
      } catch (e) {
        failures.push((e as Error).message);
      }
    }
  };
  const clients = Array.from({ length: options.concurrency ?? 4 }, client);
  try {
    const result = await work();
    return { result, sent, failures, seen };
  } finally {
    running = false;
    await Promise.all(clients);
  }
}
