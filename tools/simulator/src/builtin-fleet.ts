import { Fleet, type FleetStats } from '@swarmscope/telemetry-client';
import { MODELS, POOLS, AGENT_TYPES, type ModelProfile } from './models';
import { Random } from './random';

export interface BuiltinFleetOptions {
  endpoint: string;
  apiKey?: string;
  agents: number;
  /** Mean requests per agent per second (default 1). */
  requestsPerSecond?: number;
  seed?: number;
}

interface SimulatedAgent {
  id: string;
  model: ModelProfile;
  pool: string;
  type: string;
  /** Agents differ: some are a little slower or flakier than their model. */
  latencyFactor: number;
  memoryBytes: number;
}

const TICK_MS = 100;

/**
 * A fleet of simulated agents reporting through the SDK's Fleet transport, as real agents would: the demo fleet
 * of `swarmscope start`. (The scenario simulator with injected faults grows from this in tools/simulator.)
 */
export class BuiltinFleet {
  private readonly fleet: Fleet;
  private readonly random: Random;
  private readonly agents: SimulatedAgent[];
  private timer: NodeJS.Timeout | undefined;
  private carry = 0;

  constructor(private readonly options: BuiltinFleetOptions) {
    this.random = new Random(options.seed ?? 42);
    this.fleet = new Fleet({ endpoint: options.endpoint, ...(options.apiKey ? { apiKey: options.apiKey } : {}), flushIntervalMs: 500 });
    this.agents = Array.from({ length: options.agents }, (_, i) => ({
      id: `agent-${String(i).padStart(5, '0')}`,
      model: this.random.pick(MODELS),
      pool: this.random.pick(POOLS),
      type: this.random.pick(AGENT_TYPES),
      latencyFactor: this.random.logNormal(1, 0.15),
      memoryBytes: Math.round(this.random.logNormal(400e6, 0.3)),
    }));
  }

  start(): void {
    for (const agent of this.agents) this.report(agent, 0);
    this.timer = setInterval(() => this.step(), TICK_MS);
    this.timer.unref();
  }

  stats(): FleetStats {
    return this.fleet.stats();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.fleet.close();
  }

  /** Each tick, the expected number of requests (agents × rate × tick) is spread over random agents. */
  private step(): void {
    this.carry += (this.agents.length * (this.options.requestsPerSecond ?? 1) * TICK_MS) / 1000;
    const count = Math.floor(this.carry);
    this.carry -= count;
    for (let i = 0; i < count; i++) this.report(this.random.pick(this.agents), 1);
  }

  private report(agent: SimulatedAgent, requests: 0 | 1): void {
    const r = this.random;
    const model = agent.model;
    const cpu = Math.min(100, Math.max(1, 35 + 12 * r.normal()));
    if (requests === 0) {
      this.fleet.record({ agentId: agent.id, model: model.name, pool: agent.pool, type: agent.type, metrics: { requests: 0, cpu_percent: cpu, memory_bytes: agent.memoryBytes } });
      return;
    }
    const inputTokens = Math.round(r.logNormal(model.inputTokensMedian, 0.5));
    const outputTokens = Math.round(r.logNormal(model.outputTokensMedian, 0.6));
    const error = r.chance(model.errorRate);
    const quality = Math.min(1, Math.max(0, model.qualityMean + 0.05 * r.normal()));
    this.fleet.record({
      agentId: agent.id,
      timestamp: Date.now(),
      model: model.name,
      pool: agent.pool,
      type: agent.type,
      metrics: {
        response_time_seconds: r.logNormal(model.latencyMedianSeconds * agent.latencyFactor, model.latencySigma),
        requests: 1,
        errors: error ? 1 : 0,
        input_tokens: inputTokens,
        output_tokens: error ? 0 : outputTokens,
        cost_usd: (inputTokens * model.inputPricePerMillion + outputTokens * model.outputPricePerMillion) / 1e6,
        cpu_percent: cpu,
        memory_bytes: agent.memoryBytes,
      },
      quality: { accuracy: quality, coherence: Math.min(1, Math.max(0, quality + 0.03 * r.normal())) },
    });
  }
}
