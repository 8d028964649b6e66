import { useEffect } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';

/**
 * Loads with `fn` and reloads every `intervalMs(value)` milliseconds (none when it returns
 * undefined); the previous value stays shown while a reload runs, so nothing flickers.
 */
export function usePolling<T>(
  fn: () => Promise<T>,
  deps: unknown[],
  intervalMs: (value: T | undefined) => number | undefined,
) {
  const state = useAsyncRetry(fn, deps);
  const delay = state.loading ? undefined : intervalMs(state.value);
  const { retry } = state;
  useEffect(() => {
    if (delay === undefined) return undefined;
    const timer = setTimeout(retry, delay);
    return () => clearTimeout(timer);
  }, [delay, retry, state.value]);
  return state;
}
