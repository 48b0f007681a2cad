import { trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import {
  createBackends,
  createLogger,
  parseEnv,
  topics,
  type AnomalyEvent,
  type EmergenceEvent,
  type SampleReport,
} from '@swarmscope/core';
import { healthMonitorEnv, runHealthMonitor, type RunningHealthMonitor } from '@swarmscope/health-monitor';
import { AgentMonitor } from '@swarmscope/telemetry-client';
import { incidentsEnv } from './env';
import { Narrator } from './narrator';
import { PROMPT_TEMPLATES } from './prompt';
import { runIncidents } from './run';
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
    backends = createBackends({ env, windowRetentionMs: 3_600_000, logger });
    health = await runHealthMonitor(env, backends, logger);
    monitor = new AgentMonitor({
      agentId: 'swarmscope-narrator',
      model: 'llama3.1:8b',
      type: 'narrator',
      pool: 'swarmscope',
      endpoint: health.server.url,
      apiKey: 'hm-key',
      heartbeatIntervalMs: 0,
    });
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
    const subscription = backends.bus.subscribe(
      topics.samples,
      { group: 'test', consumer: 't', startFrom: 'earliest' },
      async (messages) => {
        for (const m of messages) if (m.payload.agentId === 'swarmscope-narrator') samples.push(m.payload);
      },
    );
    const narrator = new Narrator({
      endpoint: { url: llm.url, model: 'llama3.1:8b', api: 'ollama', timeoutMs: 5000, maxTokens: 300 },
      ratePerMinute: 100,
      tokenBudgetPerHour: 100_000,
      monitor,
    });
    const incident = burstIncident();
    expect((await narrator.narrate(incident)).source).toBe('llm');
    llm.mode = 'http_error';
    expect((await narrator.narrate(incident)).fallbackReason).toBe('http_error');
    llm.mode = 'garbage_answer';
    expect((await narrator.narrate(incident)).fallbackReason).toBe('invalid_response');
    await monitor.fleet.flush({ timeoutMs: 5000 });

    const agent = (await (await fetch(`${health.server.url}/agents/swarmscope-narrator`)).json()) as {
      model: string;
      pool: string;
      type: string;
    };
    expect(agent).toMatchObject({ model: 'llama3.1:8b', pool: 'swarmscope', type: 'narrator' });

    for (let i = 0; i < 100 && samples.length < 6; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    await subscription.close();
    const requests = samples.filter((s) => s.metrics.requests === 1);
    expect(
      requests.map((s) => [s.metrics.errors, s.metrics.input_tokens ?? null, s.metrics.output_tokens ?? null]),
    ).toEqual([
      [0, 321, 87],
      [1, null, null],
      [1, 321, 87],
    ]);
    for (const r of requests) expect(r.metrics.response_time_seconds).toBeGreaterThanOrEqual(0);
    const tools = samples.filter((s) => s.metrics.tool_calls === 1);
    expect(tools.map((s) => s.metrics.tool_errors)).toEqual([0, 1, 1]);

    // Which prompt template each call used: the function calls of the narrator agent (spans carry the names).
    const finished = spans
      .getFinishedSpans()
      .filter((span) => span.attributes['gen_ai.agent.id'] === 'swarmscope-narrator' || span.name.startsWith('chat '));
    expect(
      finished
        .filter((span) => span.name.startsWith('execute_tool'))
        .map((span) => [span.attributes['gen_ai.tool.name'], span.attributes['error.type'] ?? null]),
    ).toEqual([
      ['explain_incident_anomalies_v1', null],
      ['explain_incident_anomalies_v1', 'http_error'],
      ['explain_incident_anomalies_v1', 'invalid_response'],
    ]);
    expect(
      finished.filter((span) => span.name === 'chat llama3.1:8b').map((span) => span.attributes['error.type'] ?? null),
    ).toEqual([null, 'http_error', 'invalid_response']);

    const metrics = await (await fetch(`${health.server.url}/metrics`)).text();
    expect(sample(metrics, 'swarmscope_gen_ai_tokens_total', { model: 'llama3.1:8b', direction: 'input' })).toBe(642);
    expect(sample(metrics, 'swarmscope_gen_ai_tokens_total', { model: 'llama3.1:8b', direction: 'output' })).toBe(174);
    expect(
      sample(metrics, 'swarmscope_agent_response_time_seconds_count', { model: 'llama3.1:8b', pool: 'swarmscope' }),
    ).toBe(3);
    expect(sample(metrics, 'swarmscope_agents', { model: 'llama3.1:8b', pool: 'swarmscope' })).toBe(1);
    // Function usage: the prompt template is the tool label, its failures the tool's errors.
    expect(
      sample(metrics, 'swarmscope_agent_tool_calls_total', {
        tool: 'explain_incident_anomalies_v1',
        pool: 'swarmscope',
      }),
    ).toBe(3);
    expect(
      sample(metrics, 'swarmscope_agent_tool_errors_total', {
        tool: 'explain_incident_anomalies_v1',
        pool: 'swarmscope',
      }),
    ).toBe(2);
    expect(
      sample(metrics, 'swarmscope_agent_tool_duration_seconds_total', {
        tool: 'explain_incident_anomalies_v1',
        pool: 'swarmscope',
      }),
    ).toBeGreaterThanOrEqual(0);
  });

  it('the incidents service narrating an anomaly burst and an emergence event: both templates appear as tools on /metrics', async () => {
    const env = parseEnv(incidentsEnv, {
      INCIDENTS_PORT: '0',
      LOG_LEVEL: 'silent',
      INCIDENT_TICK_SECONDS: '0.05',
      INCIDENT_GROUP_WAIT_SECONDS: '0.3',
      LLM_URL: llm.url,
      LLM_MODEL: 'qwen2.5:7b',
      NARRATOR_REPORT_URL: health.server.url,
      NARRATOR_REPORT_API_KEY: 'hm-key',
      NARRATOR_AGENT_ID: 'narrator-e2e',
    });
    llm.mode = 'ok';
    // The incidents service reads the bus the platform shares, as `swarmscope start` runs it.
    const incidents = await runIncidents(env, backends, logger);
    const toolCalls = async (tool: string) =>
      sample(await (await fetch(`${health.server.url}/metrics`)).text(), 'swarmscope_agent_tool_calls_total', {
        tool,
        pool: 'swarmscope',
      });
    try {
      const before = await toolCalls(PROMPT_TEMPLATES.anomalies);
      const now = Date.now();
      const anomalies: AnomalyEvent[] = Array.from({ length: 6 }, (_, i) => ({
        id: `billing-${i}:${now}:1`,
        event: 'opened',
        time: now,
        startedAt: now,
        agentId: `billing-${i}`,
        model: 'gpt-4o',
        pool: 'billing',
        type: 'error_burst',
        severity: 'high',
        score: 0.9,
        confidence: 0.8,
        detectors: ['error_rate'],
        features: ['errors'],
        evidence: { value: 0.4, baseline: 0.01 },
        explanation: 'errors',
      }));
      const cascade: EmergenceEvent = {
        id: `cascade_failure:${now}`,
        event: 'opened',
        type: 'cascade_failure',
        time: now,
        startedAt: now,
        scope: 'coding',
        magnitude: 0.9,
        confidence: 0.9,
        agents: ['hub-1', 'up-1', 'up-2', 'up-3'],
        communities: [0],
        window: { from: now - 60_000, to: now },
        evidence: { agents: 4, depth: 2 },
        explanation: 'prose',
      };
      await backends.bus.publish(topics.anomalies, 0, anomalies);
      await backends.bus.publish(topics.emergence, 0, [cascade]);
      const deadline = Date.now() + 15_000;
      let counts: Array<number | undefined> = [];
      while (Date.now() < deadline) {
        await incidents.monitor!.fleet.flush({ timeoutMs: 1000 });
        counts = [(await toolCalls(PROMPT_TEMPLATES.anomalies)) ?? 0, await toolCalls(PROMPT_TEMPLATES.emergence)];
        if (counts[0]! > (before ?? 0) && counts[1] !== undefined) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const narrated = (await (await fetch(`${incidents.server.url}/incidents`)).json()) as {
        items: Array<{ narrative: { source: string; template?: string } }>;
      };
      expect(narrated.items.map((i) => [i.narrative.source, i.narrative.template]).sort()).toEqual([
        ['llm', PROMPT_TEMPLATES.anomalies],
        ['llm', PROMPT_TEMPLATES.emergence],
      ]);
      // Each incident was narrated at least once by the LLM, each narration a call of its template.
      expect(counts[0]! - (before ?? 0)).toBeGreaterThanOrEqual(1);
      expect(counts[1]).toBeGreaterThanOrEqual(1);
      const metrics = await (await fetch(`${health.server.url}/metrics`)).text();
      expect(
        sample(metrics, 'swarmscope_agent_tool_errors_total', { tool: PROMPT_TEMPLATES.emergence, pool: 'swarmscope' }),
      ).toBe(0);
      expect(
        sample(metrics, 'swarmscope_agent_requests_total', { model: 'qwen2.5:7b', pool: 'swarmscope' }),
      ).toBeGreaterThanOrEqual(2);
    } finally {
      await incidents.stop();
    }
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
