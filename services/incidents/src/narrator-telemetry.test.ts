import { trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createBackends, createLogger, parseEnv, topics, type SampleReport } from '@swarmscope/core';
import { healthMonitorEnv, runHealthMonitor, type RunningHealthMonitor } from '@swarmscope/health-monitor';
import { AgentMonitor } from '@swarmscope/telemetry-client';
import { Narrator } from './narrator';
import { burstIncident } from './test-support/fixtures';
import { startLlmStandIn, type LlmStandIn } from './test-support/llm-stand-in';

const logger = createLogger({ name: 'test', level: 'silent' });

// Swarmscope watches its own AI: the narrator's LLM calls reach a real health-monitor through our own SDK, as an
// agent of pool "swarmscope" like any other (model usage, tokens, errors, latency, the prompt templates used).
describe('the narrator as an agent of the fleet', () => {
  let llm: LlmStandIn;
  let health: RunningHealthMonitor;
  let backends: ReturnType<typeof createBackends>;
  let monitor: AgentMonitor;
  // The real OpenTelemetry SDK recording in memory, registered the way a host application would.
  const spans = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });

  beforeAll(async () => {
    trace.setGlobalTracerProvider(provider);
    llm = await startLlmStandIn();
    const env = parseEnv(healthMonitorEnv, { HEALTH_MONITOR_PORT: '0', LOG_LEVEL: 'silent', API_KEYS: 'hm-key' });
    backends = createBackends({ busShards: env.BUS_SHARDS, windowRetentionMs: 3_600_000, logger });
    health = await runHealthMonitor(env, backends, logger);
    monitor = new AgentMonitor({ agentId: 'swarmscope-narrator', model: 'llama3.1:8b', type: 'narrator', pool: 'swarmscope', endpoint: health.server.url, apiKey: 'hm-key', heartbeatIntervalMs: 0 });
  });
  afterAll(async () => {
    trace.disable();
    await provider.shutdown();
    await monitor.close();
    await health.stop();
    await backends.close();
    await llm.close();
  });

  it('reports each LLM call (model, tokens, latency, errors) and the prompt template it used', async () => {
    const samples: SampleReport[] = [];
    const subscription = backends.bus.subscribe(topics.samples, { group: 'test', consumer: 't', startFrom: 'earliest' }, async (messages) => {
      for (const m of messages) if (m.payload.agentId === 'swarmscope-narrator') samples.push(m.payload);
    });
    const narrator = new Narrator({ endpoint: { url: llm.url, model: 'llama3.1:8b', api: 'ollama', timeoutMs: 5000, maxTokens: 300 }, ratePerMinute: 100, tokenBudgetPerHour: 100_000, monitor });
    const incident = burstIncident();
    expect((await narrator.narrate(incident)).source).toBe('llm');
    llm.mode = 'http_error';
    expect((await narrator.narrate(incident)).fallbackReason).toBe('http_error');
    llm.mode = 'garbage_answer';
    expect((await narrator.narrate(incident)).fallbackReason).toBe('invalid_response');
    await monitor.fleet.flush({ timeoutMs: 5000 });

    const agent = (await (await fetch(`${health.server.url}/agents/swarmscope-narrator`)).json()) as { model: string; pool: string; type: string };
    expect(agent).toMatchObject({ model: 'llama3.1:8b', pool: 'swarmscope', type: 'narrator' });

    for (let i = 0; i < 100 && samples.length < 6; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    await subscription.close();
    const requests = samples.filter((s) => s.metrics.requests === 1);
    expect(requests.map((s) => [s.metrics.errors, s.metrics.input_tokens ?? null, s.metrics.output_tokens ?? null])).toEqual([
      [0, 321, 87],
      [1, null, null],
      [1, 321, 87],
    ]);
    for (const r of requests) expect(r.metrics.response_time_seconds).toBeGreaterThanOrEqual(0);
    const tools = samples.filter((s) => s.metrics.tool_calls === 1);
    expect(tools.map((s) => s.metrics.tool_errors)).toEqual([0, 1, 1]);

    // Which prompt template each call used: the function calls of the narrator agent (spans carry the names).
    const finished = spans.getFinishedSpans().filter((span) => span.attributes['gen_ai.agent.id'] === 'swarmscope-narrator' || span.name.startsWith('chat '));
    expect(finished.filter((span) => span.name.startsWith('execute_tool')).map((span) => [span.attributes['gen_ai.tool.name'], span.attributes['error.type'] ?? null])).toEqual([
      ['explain_incident_anomalies_v1', null],
      ['explain_incident_anomalies_v1', 'http_error'],
      ['explain_incident_anomalies_v1', 'invalid_response'],
    ]);
    expect(finished.filter((span) => span.name === 'chat llama3.1:8b').map((span) => span.attributes['error.type'] ?? null)).toEqual([null, 'http_error', 'invalid_response']);

    const metrics = await (await fetch(`${health.server.url}/metrics`)).text();
    expect(sample(metrics, 'swarmscope_gen_ai_tokens_total', { model: 'llama3.1:8b', direction: 'input' })).toBe(642);
    expect(sample(metrics, 'swarmscope_gen_ai_tokens_total', { model: 'llama3.1:8b', direction: 'output' })).toBe(174);
    expect(sample(metrics, 'swarmscope_agent_response_time_seconds_count', { model: 'llama3.1:8b', pool: 'swarmscope' })).toBe(3);
    expect(sample(metrics, 'swarmscope_agents', { model: 'llama3.1:8b', pool: 'swarmscope' })).toBe(1);
  });
});

/** The value of the one series of `name` carrying these labels (in any order, others allowed) in a text exposition. */
function sample(exposition: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of exposition.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)\{(.*)\} (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = Object.fromEntries([...match[2]!.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => present[k] === v)) return Number(match[3]);
  }
  return undefined;
}
