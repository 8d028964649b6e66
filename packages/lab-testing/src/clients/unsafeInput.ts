/** Names every client refuses: shell and path metacharacters, control characters, non-ASCII, too long, empty. */
export const UNSAFE_NAMES = [
  'has space',
  'quote"d',
  "single'q",
  'back`tick',
  'new\nline',
  '..',
  'a..b',
  'ünïcode',
  'x'.repeat(65),
  '',
];

/** A fetch that records what it was asked and answers nothing: for tests that expect no request at all. */
export function fetchThatMustNotBeCalled() {
  const requests: string[] = [];
  const fetchFn = (async (input: unknown) => {
    requests.push(String(input));
    throw new Error('no request expected');
  }) as unknown as typeof fetch;
  return { requests, fetch: fetchFn };
}
