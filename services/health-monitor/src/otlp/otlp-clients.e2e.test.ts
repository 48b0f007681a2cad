import { startLlmStandIn, type LlmStandIn } from '../../../incidents/src/test-support/llm-stand-in';
import { startHarness, T0, WINDOW, type Harness } from './test-support/otlp-harness';
import { newSpanId, newTraceId, runClientProcess } from './test-support/run-client-process';

interface Window {
  count: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  latency: { mean: number; max: number; samples: number };
}

/** Every closed window of a series over the test's minutes, added up (exports stamp real time: a minute may turn). */
async function totals(h: Harness, key: string): Promise<Omit<Window, 'latency'> & { windows: Window[] }> {
  const windows = ((await h.get(`/windows/${key}?from=${T0 - WINDOW}&to=${T0 + 10 * WINDOW}`)).windows ??
    []) as Window[];
  const sum = (pick: (w: Window) => number) => windows.reduce((total, w) => total + pick(w), 0);
  return {
    windows,
    count: sum((w) => w.count),
    errors: sum((w) => w.errors),
    inputTokens: sum((w) => w.inputTokens),
    outputTokens: sum((w) => w.outputTokens),
    costUsd: sum((w) => w.costUsd),
  };
}

const duration = (value: number, attributes: Record<string, string> = {}) => ({
  name: 'gen_ai.client.operation.duration',
  unit: 's',
  value,
  attributes: {
    'gen_ai.operation.name': 'chat',
    'gen_ai.request.model': 'gpt-4o',
    'gen_ai.provider.name': 'openai',
    ...attributes,
  },
});
const tokenUsage = (value: number, type: 'input' | 'output') => ({
  name: 'gen_ai.client.token.usage',
  unit: '{token}',
  value,
  attributes: {
    'gen_ai.operation.name': 'chat',
    'gen_ai.request.model': 'gpt-4o',
    'gen_ai.provider.name': 'openai',
    'gen_ai.token.type': type,
  },
});

describe('OTLP metrics from the official exporter (protobuf)', () => {
  let h: Harness;
  afterEach(async () => {
    await h.stop();
  });

  it('turns cumulative gen_ai.client.* histograms into samples, counting each export once', async () => {
    h = await startHarness();
    // Two exports of the same cumulative streams: the second carries the totals since start; only the increase counts.
    await runClientProcess({
      mode: 'metrics',
      url: h.url,
      resource: { 'service.name': 'summarizer', 'swarmscope.pool': 'docs' },
      rounds: [
        [
          duration(0.5),
          duration(1.5),
          duration(2, { 'error.type': 'timeout' }),
          tokenUsage(100, 'input'),
          tokenUsage(100, 'input'),
          tokenUsage(40, 'output'),
        ],
        [duration(1), tokenUsage(300, 'input'), tokenUsage(60, 'output')],
      ],
    });
    expect((await h.get('/agents/summarizer')).pool).toBe('docs');
    await h.closeWindows(10 * WINDOW);
    const summarizer = await totals(h, 'agent/summarizer');
    expect(summarizer).toMatchObject({ count: 4, errors: 1, inputTokens: 500, outputTokens: 100 });
    expect(summarizer.costUsd).toBeCloseTo((500 * 2.5 + 100 * 10) / 1e6, 12);
  });

  it('counts an agent that sends spans and metrics once: spans win', async () => {
    h = await startHarness();
    const traceId = newTraceId();
    const spans = [0, 1].map((i) => ({
      traceId,
      spanId: newSpanId(),
      name: 'chat gpt-4o',
      kind: 2,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.usage.input_tokens': 10,
      },
      startMs: T0 + 2000 + i * 1000,
      endMs: T0 + 2500 + i * 1000,
    }));
    await runClientProcess({
      mode: 'spans',
      url: h.url,
      protocol: 'protobuf',
      resource: { 'service.name': 'dual' },
      spans,
    });
    await runClientProcess({
      mode: 'metrics',
      url: h.url,
      delta: true,
      resource: { 'service.name': 'dual' },
      rounds: [[duration(0.5), duration(0.5), tokenUsage(10, 'input'), tokenUsage(10, 'input')]],
    });
    await h.closeWindows(10 * WINDOW);
    expect(await totals(h, 'agent/dual')).toMatchObject({ count: 2, inputTokens: 20 });
    expect(await h.running.monitor.metrics.registry.getSingleMetricAsString('swarmscope_otlp_items_total')).toMatch(
      /signal="metrics",outcome="accepted"[^\n]* 2/,
    );
  });
});

describe('@opentelemetry/instrumentation-openai around the openai client', () => {
  let h: Harness;
  let llm: LlmStandIn;
  afterEach(async () => {
    await h.stop();
    await llm.close();
  });

  it('delivers its chat spans as requests of the right agent and model, failures as errors', async () => {
    h = await startHarness();
    llm = await startLlmStandIn();
    const resource = {
      'service.name': 'support-bot',
      'service.instance.id': 'support-bot-7',
      'swarmscope.pool': 'support',
    };
    await runClientProcess({
      mode: 'openai',
      url: h.url,
      protocol: 'protobuf',
      llmUrl: llm.url,
      model: 'gpt-4o-mini',
      calls: 3,
      resource,
    });
    llm.mode = 'http_error';
    await runClientProcess({
      mode: 'openai',
      url: h.url,
      protocol: 'json',
      llmUrl: llm.url,
      model: 'gpt-4o-mini',
      calls: 1,
      resource,
    });
    expect(llm.requests).toHaveLength(4);

    const agent = await h.get('/agents/support-bot-7');
    expect(agent).toMatchObject({ id: 'support-bot-7', pool: 'support', model: 'gpt-4o-mini' });
    await h.closeWindows(10 * WINDOW);
    const windows = await totals(h, 'agent/support-bot-7');
    // The stand-in answers 321 prompt and 87 completion tokens; the failed call has none.
    expect(windows).toMatchObject({ count: 4, errors: 1, inputTokens: 3 * 321, outputTokens: 3 * 87 });
    expect(windows.costUsd).toBeCloseTo((3 * (321 * 0.15 + 87 * 0.6)) / 1e6, 12);
    // Its gen_ai.client.* metrics arrived too, and were not counted a second time.
    expect(await h.running.monitor.metrics.registry.getSingleMetricAsString('swarmscope_otlp_items_total')).toMatch(
      /signal="metrics",outcome="accepted"[^\n]* [1-9]/,
    );
  });
});
