/** The error `p` rejects with; fails when it resolves. */
export async function rejection(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

/** Polls `fn` every 20 ms until `check` holds, at most `ms`. */
export async function eventually<T>(
  fn: () => T | Promise<T>,
  check: (v: T) => boolean,
  ms = 3000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (check(v)) return v;
    if (Date.now() > end)
      throw new Error(`condition not met in ${ms} ms: ${JSON.stringify(v)}`);
    await new Promise(r => setTimeout(r, 20));
  }
}
