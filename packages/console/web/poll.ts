import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export interface Polled<T> {
  data: T | undefined;
  error: string | undefined;
  /** Loads again now (after a write, say). */
  reload(): void;
}

/**
 * Loads `load()` now and every `everyMs` while the view is shown (the console polls the public APIs; nothing is
 * pushed). A failed load keeps the last data and shows the error; `deps` changing loads afresh.
 */
export function usePoll<T>(load: () => Promise<T>, deps: readonly unknown[], everyMs = 5000): Polled<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const generation = useRef(0);
  const run = useCallback(() => {
    const mine = ++generation.current;
    load().then(
      (value) => {
        if (mine !== generation.current) return;
        setData(value);
        setError(undefined);
      },
      (failure: unknown) => {
        if (mine === generation.current) setError(failure instanceof Error ? failure.message : String(failure));
      },
    );
  }, deps);
  useEffect(() => {
    setData(undefined);
    run();
    if (everyMs <= 0) return undefined;
    const timer = setInterval(run, everyMs);
    return () => {
      clearInterval(timer);
      generation.current++;
    };
  }, [run, everyMs]);
  return { data, error, reload: run };
}
