import type { FleetStats } from '@swarmscope/telemetry-client';
import type { ControlTarget } from './control-server';
import { DEFAULT_GENERATOR } from './generator';
import { Population } from './population';
import { SimulationRunner } from './runner';
import { baselineScenario } from './scenarios/baseline';

export interface BuiltinFleetOptions {
  endpoint: string;
  apiKey?: string;
  agents: number;
  /** Mean requests per agent per second (default 1). */
  requestsPerSecond?: number;
  seed?: number;
}

/**
 * The demo fleet of `swarmscope start`: the simulator's baseline (models, pools, the interaction graph, no
 * injected faults) at a flat load, reporting through the SDK's Fleet until stopped.
 */
export class BuiltinFleet {
  private readonly runner: SimulationRunner;

  constructor(options: BuiltinFleetOptions) {
    const seed = options.seed ?? 42;
    this.runner = new SimulationRunner({
      endpoint: options.endpoint,
      ...(options.apiKey ? { apiKey: options.apiKey } : {}),
      population: Population.build({ agents: options.agents, seed }),
      scenario: baselineScenario(),
      config: {
        ...DEFAULT_GENERATOR,
        seed,
        startEpochMs: Date.now(),
        tickMs: 100,
        daySeconds: 0,
        requestsPerSecond: options.requestsPerSecond ?? 1,
      },
      ref: false,
    });
  }

  start(): void {
    this.runner.start();
  }

  /** What the control endpoint drives (pools and their agents): the autoscaler's actuator in the demo. */
  get control(): ControlTarget {
    return this.runner;
  }

  stats(): FleetStats {
    return this.runner.stats().reports;
  }

  async stop(): Promise<void> {
    await this.runner.stop(5000);
  }
}
