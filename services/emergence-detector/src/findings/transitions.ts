import { fitStep } from '../change-point';
import { normalUpperTail } from '@swarmscope/core/erfc';
import { mean } from '../series';
import type { Finding } from '../types';
import { pct, round } from './format';
import { describeObservable, formatObservable, observe, type Observable, type PoolContext } from './pool-state';

/**
 * What a pool's state is read from: latency and errors. Load is demand, not state: a burst of traffic that the pool
 * absorbs is no transition (it shows in latency or errors when it is one).
 */
const OBSERVABLES = ['logLatency', 'errorRate'] as const satisfies readonly Observable[];
const STEP_WINDOW = 30;
/** Fewer ticks of a pool give no step. */
const MIN_TICKS = 12;
/** A shift must land 2–6 ticks before now: seen for 20 s, reported within 60 s. */
const STEP_MIN_AFTER = 2;
const STEP_MAX_AFTER = 6;
/** A material change of an order parameter: a quarter of its level (ln 1.25 for log latency). */
const MIN_RELATIVE_SHIFT = 0.25;
const MIN_ERROR_RATE_SHIFT = 0.005;
/** Chance of a step this far outside the noise (t test, Bonferroni over the candidate change points). */
const CHANCE_ALPHA = 1e-3;
/** Agents failing on their own (a cascade) in this share of a pool make the pool's change the cascade's. */
const CASCADE_POOL_SHARE = 0.2;

/**
 * Phase transitions: a pool's order parameter (log latency, error rate) jumps, the jump explains most of its recent
 * variation beyond the trend (magnitude), is material (a quarter of its level) and is far outside the noise (t test
 * of the step, Bonferroni over the candidate change points). `failingIn`: agents failing on their own per pool.
 * Returns the findings, the strongest step's share explained (an order parameter) and each pool's step tick.
 */
export function transitionFindings(
  context: PoolContext,
  failingIn: ReadonlyMap<string, number>,
  threshold: number,
): { findings: Finding[]; strongest: number; steps: Map<string, number> } {
  const findings: Finding[] = [];
  const steps = new Map<string, number>();
  let strongest = 0;
  for (const pool of context.pools) {
    const ticks = context.series(pool, STEP_WINDOW);
    if (ticks.length < MIN_TICKS) continue;
    // A pool a cascade has taken a share of changes with it (its survivors wait on the failing): the cascade's.
    if ((failingIn.get(pool) ?? 0) >= CASCADE_POOL_SHARE * ticks[ticks.length - 1]!.agents) continue;
    let best:
      | {
          observable: Observable;
          explained: number;
          shift: number;
          before: number;
          after: number;
          confidence: number;
          at: number;
        }
      | undefined;
    for (const observable of OBSERVABLES) {
      const y = ticks.map((p) => observe(p, observable));
      const fit = fitStep(y, STEP_MIN_AFTER, STEP_MAX_AFTER);
      if (!fit) continue;
      const before = mean(y, 0, fit.at);
      const after = mean(y, fit.at);
      strongest = Math.max(strongest, fit.explained);
      if (!materialShift(observable, before, after)) continue;
      const nAfter = y.length - fit.at;
      const t = fit.standardized / Math.sqrt(1 / nAfter + 1 / fit.at);
      const confidence = 1 - Math.min(1, 2 * (STEP_MAX_AFTER - STEP_MIN_AFTER + 1) * normalUpperTail(t));
      if (fit.explained >= threshold && confidence >= 1 - CHANCE_ALPHA && (!best || fit.explained > best.explained)) {
        best = {
          observable,
          explained: fit.explained,
          shift: fit.shift,
          before,
          after,
          confidence,
          at: ticks[fit.at]!.tick,
        };
      }
    }
    if (!best) continue;
    const agents = context.agents(pool);
    steps.set(pool, best.at);
    findings.push({
      type: 'phase_transition',
      scope: pool,
      magnitude: best.explained,
      confidence: best.confidence,
      agents,
      agentsMode: 'current',
      evidence: {
        explained: round(best.explained),
        before: round(best.before),
        after: round(best.after),
        shift: round(best.shift),
        changedAt: best.at * context.tickMs,
        agents: agents.length,
      },
      explanation: `Pool ${pool} jumped to a new state: ${describeObservable(best.observable)} went from ${formatObservable(best.observable, best.before)} to ${formatObservable(best.observable, best.after)}, a step that explains ${pct(best.explained)} of its recent variation beyond the trend.`,
    });
  }
  return { findings, strongest, steps };
}

function materialShift(observable: Observable, before: number, after: number): boolean {
  if (observable === 'logLatency' || observable === 'medianLogLatency')
    return Math.abs(after - before) >= Math.log(1 + MIN_RELATIVE_SHIFT);
  const shift = Math.abs(after - before);
  const level = Math.max(Math.abs(before), Math.abs(after));
  if (observable === 'errorRate')
    return shift >= MIN_ERROR_RATE_SHIFT && shift >= MIN_RELATIVE_SHIFT * Math.abs(before);
  return shift >= MIN_RELATIVE_SHIFT * level;
}
