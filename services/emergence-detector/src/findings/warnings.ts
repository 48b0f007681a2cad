import { earlyWarningIndicators, type EarlyWarningIndicators } from '../early-warning';
import { fUpperTail } from '../f-distribution';
import type { Finding } from '../types';
import { round } from './format';
import { describeObservable, observe, type Observable, type PoolContext } from './pool-state';

/**
 * Variance of load also rises with diurnal ramps and rhythms; latency and errors do not. Latency's is read from the
 * median agent: one agent's latency spike raises the variance of a pool's mean, not of its median.
 */
const WARNING_OBSERVABLES: readonly Observable[] = ['medianLogLatency', 'errorRate'];
/** Chance of the variance growing this much (F test, Bonferroni over every pool and observable). */
const WARNING_ALPHA = 1e-3;

/**
 * Early warnings: over the last `length` ticks of a pool's median agent latency or error rate, the rolling variance
 * trends up (Kendall τ ≥ threshold) and grew beyond chance (F test), the lag-1 autocorrelation reported beside it —
 * critical slowing down (Scheffer et al. 2009). A pool needs `minTicks` of history; `quiet` pools (just transitioned,
 * or holding a rhythm: an oscillation is not critical slowing down) raise none. Returns the findings and the
 * strongest indicators seen in any pool (order parameters).
 */
export function warningFindings(
  context: PoolContext,
  length: number,
  minTicks: number,
  quiet: (pool: string) => boolean,
  threshold: number,
): { findings: Finding[]; strongest: EarlyWarningIndicators | undefined } {
  const findings: Finding[] = [];
  let strongest: EarlyWarningIndicators | undefined;
  for (const pool of context.pools) {
    const ticks = context.series(pool, length);
    if (ticks.length < minTicks) continue;
    let best: { observable: Observable; indicators: EarlyWarningIndicators; p: number } | undefined;
    const window = Math.floor(ticks.length / 2);
    for (const observable of WARNING_OBSERVABLES) {
      const y = ticks.map((p) => observe(p, observable));
      const indicators = earlyWarningIndicators(y, window);
      if (!indicators) continue;
      const strength = warningStrength(indicators);
      if (!strongest || strength > warningStrength(strongest)) strongest = indicators;
      if (strength < threshold || (best && strength <= warningStrength(best.indicators))) continue;
      if (quiet(pool)) continue;
      // The variance grew beyond chance: F test of the last window against the first, Bonferroni over every
      // pool and observable tested.
      const p = Math.min(
        1,
        fUpperTail(indicators.varianceRatio, window - 2, window - 2) *
          context.pools.length *
          WARNING_OBSERVABLES.length,
      );
      if (p <= WARNING_ALPHA) best = { observable, indicators, p };
    }
    if (!best) continue;
    const { indicators } = best;
    const strength = warningStrength(indicators);
    const agents = context.agents(pool);
    findings.push({
      type: 'early_warning',
      scope: pool,
      magnitude: strength,
      confidence: 1 - best.p,
      agents,
      agentsMode: 'current',
      evidence: {
        varianceTau: round(indicators.varianceTau),
        autocorrelationTau: round(indicators.autocorrelationTau),
        varianceRatio: round(indicators.varianceRatio),
        autocorrelation: round(indicators.autocorrelation),
        varianceP: best.p,
        agents: agents.length,
      },
      explanation: `Pool ${pool} may be nearing a tipping point: the variance of its ${describeObservable(best.observable)} grew ${indicators.varianceRatio.toFixed(1)}× (Kendall τ ${indicators.varianceTau.toFixed(2)}) over the last ${ticks.length} ticks, with its lag-1 autocorrelation at ${indicators.autocorrelation.toFixed(2)} (τ ${indicators.autocorrelationTau.toFixed(2)}): a rising variance often precedes a tipping point.`,
    });
  }
  return { findings, strongest };
}

/**
 * How strongly a pool's indicators warn: the Kendall τ of its rolling variance, rising variance being a leading
 * indicator on its own (Carpenter & Brock 2006). The lag-1 autocorrelation is measured and reported but does not
 * decide: sampled in 10-s ticks, a process whose correlation time is seconds shows it only in the last ticks before
 * the jump (a per-second AR(1) coefficient φ gives about φ¹⁰ between ticks), so over the warning span its trend is
 * mostly chance, and averaging it in made the warning a coin toss on build-ups whose variance rose 5-fold.
 */
function warningStrength(indicators: EarlyWarningIndicators): number {
  return indicators.varianceTau;
}
