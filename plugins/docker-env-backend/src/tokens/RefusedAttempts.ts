/** Refused token attempts one client address may make per minute before it gets 429; default 20. */
export const REFUSED_PER_MINUTE = 20;
const MINUTE_MS = 60_000;
/** Addresses tracked at most (oldest windows are dropped first): bounded memory under a spray of addresses. */
const MAX_ADDRESSES = 100_000;

/**
 * Refused deployment-token attempts per client address, in this replica's memory, per fixed minute. The first
 * `limit` of a minute are answered and audited one by one; the next one is audited once for the rest of the minute
 * (`first-over`); every later one is answered 429 without an audit row (`over`). Valid tokens are never counted.
 */
export class RefusedAttempts {
  private readonly windows = new Map<
    string,
    { start: number; count: number }
  >();

  constructor(readonly limit = REFUSED_PER_MINUTE) {}

  /** Counts one refusal of `address`. */
  count(
    address: string,
    now = Date.now(),
  ): { state: 'under' | 'first-over' | 'over'; retryAfterSeconds: number } {
    let window = this.windows.get(address);
    if (!window || now - window.start >= MINUTE_MS) {
      this.windows.delete(address);
      if (this.windows.size >= MAX_ADDRESSES)
        this.windows.delete(this.windows.keys().next().value!);
      window = { start: now, count: 0 };
      this.windows.set(address, window);
    }
    window.count++;
    const retryAfterSeconds = Math.max(
      1,
      Math.ceil((window.start + MINUTE_MS - now) / 1000),
    );
    if (window.count <= this.limit)
      return { state: 'under', retryAfterSeconds };
    return {
      state: window.count === this.limit + 1 ? 'first-over' : 'over',
      retryAfterSeconds,
    };
  }
}
