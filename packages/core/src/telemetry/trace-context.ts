import { isSpanContextValid, trace, TraceFlags } from '@opentelemetry/api';

/**
 * The trace id of the active span when it is sampled (so the trace reaches Jaeger), for exemplars and bus payloads;
 * undefined when tracing is off or the span is not recorded.
 */
export function activeTraceId(): string | undefined {
  const context = trace.getActiveSpan()?.spanContext();
  if (!context || !isSpanContextValid(context) || (context.traceFlags & TraceFlags.SAMPLED) === 0) return undefined;
  return context.traceId;
}
