import { EventSource } from 'eventsource';
import { useEffect, useRef, useState } from 'preact/hooks';
import { apiKey } from './api';

export interface Live<T> {
  data: T | undefined;
  error: string | undefined;
  /** How the value comes: pushed (Server-Sent Events) or, when no stream can be had, polled. */
  via: 'stream' | 'poll';
}

/**
 * A value the server pushes (Server-Sent Events, event `event` at `url`), read with the `eventsource` client: unlike
 * the browser's own EventSource it sends the API key as a bearer header (reads need it when read keys are set), and
 * like it, it reconnects after a dropped connection, after the server's `retry:`. A stream refused for good (any
 * answer but a 200 event stream: a server or proxy without it, a key refused) turns to polling `load` every `pollMs`,
 * whose own error, if any, is then shown. `accept` turns each value (pushed or polled) into what the view keeps.
 */
export function useLive<R, T = R>(
  url: string,
  event: string,
  load: () => Promise<R>,
  pollMs: number,
  accept: (value: R) => T = (value) => value as unknown as T,
): Live<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [via, setVia] = useState<'stream' | 'poll'>('stream');
  // The view's latest `accept` and `load` (closures over its state), without restarting the stream.
  const latest = useRef({ accept, load });
  latest.current = { accept, load };
  useEffect(() => {
    const take = (value: R) => {
      setData(latest.current.accept(value));
      setError(undefined);
    };
    if (via === 'poll') {
      let stopped = false;
      const run = () =>
        latest.current.load().then(
          (value) => stopped || take(value),
          (failure: unknown) => stopped || setError(failure instanceof Error ? failure.message : String(failure)),
        );
      void run();
      const timer = setInterval(run, pollMs);
      return () => {
        stopped = true;
        clearInterval(timer);
      };
    }
    const key = apiKey.get();
    const source = new EventSource(url, {
      fetch: (input, init) =>
        fetch(input, { ...init, headers: { ...init?.headers, ...(key ? { authorization: `Bearer ${key}` } : {}) } }),
    });
    source.addEventListener(event, (message) => take(JSON.parse((message as MessageEvent<string>).data) as R));
    source.addEventListener('error', () => {
      if (source.readyState === EventSource.CLOSED) setVia('poll');
      else setError('the live stream dropped: reconnecting…');
    });
    return () => source.close();
  }, [url, event, via, pollMs]);
  return { data, error, via };
}
