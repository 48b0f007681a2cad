import { context, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { Counter, Histogram } from 'prom-client';
import { MemoryBus } from '../bus/memory-bus';
import { topics } from '../bus/topics';
import { BusConsumers } from '../bus/consume';
import { createServiceMetrics, exemplarOf, METRICS_CONTENT_TYPES } from './metrics';
import { activeTraceId } from './trace-context';

const report = (i: number) => ({
  agentId: `a-${i}`,
  timestamp: i,
  model: 'm',
  pool: 'p',
  type: 't',
  metrics: { requests: 1 },
  quality: {},
});

describe('swarmscope_bus_consumer_lag (BusConsumers.watch)', () => {
  it('exports the entries a group has not read, per topic, at scrape time', async () => {
    const bus = new MemoryBus({ shards: 1 });
    const { registry } = createServiceMetrics('test');
    const consumers = new BusConsumers(bus, registry);
    consumers.watch('readers', topics.samples);
    consumers.watch('readers', topics.interactions);
    // The group exists (it subscribed once) and is gone now: what is published after stays unread.
    await bus.subscribe(topics.samples, { group: 'readers', consumer: 'c1', batchSize: 10 }, async () => {}).close();
    for (let i = 0; i < 3; i++) await bus.publish(topics.samples, 0, [report(i), report(i + 10)]); // one entry a publish
    const lag = async () => (await registry.getSingleMetric('swarmscope_bus_consumer_lag')!.get()).values;
    const values = await lag();
    expect(values.find((v) => v.labels.topic === 'samples')).toMatchObject({ labels: { group: 'readers' } });
    expect(values.find((v) => v.labels.topic === 'samples')!.value).toBe(3);
    expect(values.find((v) => v.labels.topic === 'interactions')!.value).toBe(0);
    const trimmed = async () =>
      (await registry.getSingleMetric('swarmscope_bus_trimmed_unread_entries_total')!.get()).values;
    expect((await trimmed()).map((v) => [v.labels.topic, v.value])).toEqual([
      ['samples', 0],
      ['interactions', 0],
    ]);
    // A closed bus cannot answer: the scrape still succeeds, without the lag series.
    await bus.close();
    expect(await lag()).toEqual([]);
    expect(await registry.metrics()).toContain('process_cpu');
  });
});

describe('swarmscope_bus_trimmed_unread_entries_total', () => {
  it('counts the entries the length cap removed before the group read them, by topic', async () => {
    const bus = new MemoryBus({ shards: 2, maxLenPerShard: 2 });
    const { registry } = createServiceMetrics('test');
    new BusConsumers(bus, registry).watch('readers', topics.samples);
    await bus.subscribe(topics.samples, { group: 'readers', consumer: 'c1' }, async () => {}).close();
    for (let i = 0; i < 5; i++) await bus.publish(topics.samples, 0, [report(i)]); // 3 of shard 0's 5 entries go
    await bus.publish(topics.samples, 1, [report(9)]);
    expect(await registry.metrics()).toMatch(
      /^swarmscope_bus_trimmed_unread_entries_total\{topic="samples",group="readers",service="test"\} 3$/m,
    );
    await bus.close();
  });
});

describe('createServiceMetrics().expose', () => {
  const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

  function withSamples() {
    const metrics = createServiceMetrics('test');
    const requests = new Counter({
      name: 'test_requests_total',
      help: 'Requests.',
      labelNames: ['model'] as const,
      registers: [metrics.registry],
    });
    const latency = new Histogram({
      name: 'test_latency_seconds',
      help: 'Latency.',
      buckets: [0.1, 1],
      enableExemplars: true,
      registers: [metrics.registry],
    });
    requests.inc({ model: 'm' }, 3);
    latency.observe({ value: 0.5, exemplarLabels: exemplarOf(TRACE) });
    latency.observe({ value: 5, exemplarLabels: exemplarOf(undefined) });
    return metrics;
  }

  it('OpenMetrics carries the exemplar with its trace_id and ends with # EOF', async () => {
    const text = await withSamples().expose('openmetrics');
    expect(text).toMatch(
      new RegExp(
        `test_latency_seconds_bucket\\{le="1",service="test"\\} 1 # \\{trace_id="${TRACE}"\\} 0.5 \\d+(\\.\\d+)?\\n`,
      ),
    );
    // The observation made without a trace has no exemplar.
    expect(text).toMatch(/test_latency_seconds_bucket\{le="\+Inf",service="test"\} 2\n/);
    expect(text).toMatch(/# TYPE test_requests counter\ntest_requests_total\{model="m",service="test"\} 3\n/);
    expect(text.endsWith('# EOF\n')).toBe(true);
  });

  it('the text format keeps counter names after an OpenMetrics render, and has no exemplars', async () => {
    const metrics = withSamples();
    await metrics.expose('openmetrics');
    const text = await metrics.expose('prometheus');
    expect(text).toMatch(/# TYPE test_requests_total counter\ntest_requests_total\{model="m",service="test"\} 3\n/);
    expect(text).toMatch(/test_latency_seconds_bucket\{le="1",service="test"\} 1\n/);
    expect(text).not.toContain('trace_id');
    expect(text).not.toContain('# EOF');
    expect(metrics.registry.contentType).toBe(METRICS_CONTENT_TYPES.openmetrics);
  });

  it('renders asked for at once each come out whole in their own format', async () => {
    const metrics = withSamples();
    const texts = await Promise.all(
      ['openmetrics', 'prometheus', 'openmetrics', 'prometheus'].map((f) =>
        metrics.expose(f as 'openmetrics' | 'prometheus'),
      ),
    );
    expect(texts.map((t) => t.endsWith('# EOF\n'))).toEqual([true, false, true, false]);
    // OpenMetrics names the counter family without `_total`, the text format with it; the samples are the same.
    expect(texts.map((t) => /^# TYPE (\S+) counter$/m.exec(t.slice(t.indexOf('# HELP test_requests')))?.[1])).toEqual([
      'test_requests',
      'test_requests_total',
      'test_requests',
      'test_requests_total',
    ]);
    expect(texts.every((t) => /^test_requests_total\{model="m",service="test"\} 3$/m.test(t))).toBe(true);
  });
});

describe('activeTraceId', () => {
  const manager = new AsyncLocalStorageContextManager().enable();
  beforeAll(() => context.setGlobalContextManager(manager));
  afterAll(() => context.disable());
  const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
  const within = <T>(traceFlags: number, fn: () => T): T =>
    context.with(
      trace.setSpan(
        context.active(),
        trace.wrapSpanContext({ traceId: TRACE, spanId: '00f067aa0ba902b7', traceFlags }),
      ),
      fn,
    );

  it('is the active span’s trace id when it is sampled, also after an await', async () => {
    expect(
      await within(TraceFlags.SAMPLED, async () => {
        await new Promise((resolve) => setImmediate(resolve));
        return activeTraceId();
      }),
    ).toBe(TRACE);
  });

  it('is undefined without a span, or when the span is not sampled (its trace never reaches Jaeger)', () => {
    expect(activeTraceId()).toBeUndefined();
    expect(within(TraceFlags.NONE, () => activeTraceId())).toBeUndefined();
  });
});
