/**
 * Polls `probe` every `intervalMs` until it answers something other than undefined (a probe that throws is tried
 * again); fails after `withinMs` naming `what` and the last error.
 */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  withinMs = 60_000,
  intervalMs = 100,
): Promise<T> {
  const start = Date.now();
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (e) {
      last = e;
    }
    if (Date.now() - start > withinMs) {
      throw new Error(`${what}: not within ${withinMs} ms (${last ?? ''})`);
    }
    await new Promise(r => setTimeout(r, intervalMs));
  }
}
