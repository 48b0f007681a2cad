import type { Scenario } from './types';

/** Nothing injected: the fleet as it normally behaves (models, diurnal load, ordinary errors). */
export function baselineScenario(): Scenario {
  return { name: 'baseline', truth: [], modify: () => undefined };
}
