import { anomaliesScenario } from './anomalies';
import { baselineScenario } from './baseline';
import { emergenceScenario } from './emergence';
import { securityScenario } from './security';
import type { Scenario, ScenarioContext } from './types';

export const SCENARIOS = {
  baseline: { build: () => baselineScenario(), summary: 'nothing injected' },
  anomalies: {
    build: anomaliesScenario,
    summary: 'latency spike, error surge, token spike, quality degradation, model drift, memory leak, silent agent',
  },
  security: {
    build: securityScenario,
    summary:
      'request flood on a pool and a port-scan sweep (high risk), output exfiltration (medium), the rest normal (low)',
  },
  emergence: {
    build: emergenceScenario,
    summary: 'synchronisation, a phase transition after critical slowing down, a cascade failure, collective learning',
  },
} satisfies Record<string, { build: (context: ScenarioContext) => Scenario; summary: string }>;

export type ScenarioName = keyof typeof SCENARIOS;
export const SCENARIO_NAMES = Object.keys(SCENARIOS) as ScenarioName[];

export function isScenarioName(name: string): name is ScenarioName {
  return Object.prototype.hasOwnProperty.call(SCENARIOS, name);
}

/** The named scenario, planned for this population, seed and duration. */
export function createScenario(name: ScenarioName, context: ScenarioContext): Scenario {
  return SCENARIOS[name].build(context);
}
