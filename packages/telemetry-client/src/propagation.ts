import { context, propagation, type Context, type TextMapGetter } from '@opentelemetry/api';

/**
 * Headers as agents carry them: a plain object (Node's `IncomingHttpHeaders`, a message's metadata)
 * or anything with `get(name)` (the fetch API's `Headers`).
 */
export type HeaderCarrier =
  Readonly<Record<string, string | string[] | undefined>> | { get(name: string): string | null };

/**
 * Writes the trace context of `ctx` (default: the active one) into `headers` — `traceparent` and
 * `tracestate` with the W3C propagator — and returns `headers`.
 *
 * Uses the global propagator of `@opentelemetry/api`: the host application must register one (the
 * OpenTelemetry NodeSDK registers W3C trace context and baggage by default; with a bare provider, call
 * `propagation.setGlobalPropagator(new W3CTraceContextPropagator())`). Without one nothing is written.
 */
export function inject<T extends Record<string, string>>(
  headers: T,
  ctx: Context = context.active(),
): T & TraceHeaders {
  propagation.inject(ctx, headers);
  return headers;
}

/** What the W3C propagator writes. */
export interface TraceHeaders {
  traceparent?: string;
  tracestate?: string;
}

/**
 * The context carried by `headers` (as written by {@link inject} on the other side), on top of `parent`
 * (default: the active context). Run the receiving agent's work in it — `context.with(extract(headers), fn)`
 * — and its spans join the sender's trace. Header names are matched case-insensitively.
 */
export function extract(headers: HeaderCarrier, parent: Context = context.active()): Context {
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return propagation.extract(parent, headers, fetchHeadersGetter);
  }
  return propagation.extract(parent, headers, recordGetter);
}

const fetchHeadersGetter: TextMapGetter<{ get(name: string): string | null; keys?: () => Iterable<string> }> = {
  keys: (carrier) => (typeof carrier.keys === 'function' ? Array.from(carrier.keys()) : []),
  get: (carrier, key) => carrier.get(key) ?? undefined,
};

const recordGetter: TextMapGetter<Readonly<Record<string, string | string[] | undefined>>> = {
  keys: (carrier) => Object.keys(carrier),
  get(carrier, key) {
    const exact = carrier[key];
    if (exact !== undefined) return exact;
    // Node lower-cases incoming header names; hand-built objects may not ("Traceparent").
    for (const name of Object.keys(carrier)) if (name.toLowerCase() === key) return carrier[name];
    return undefined;
  },
};
