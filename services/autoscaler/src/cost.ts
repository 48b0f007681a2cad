import { erfc } from '@swarmscope/core/erfc';
/**
 * Cost-optimised strategy: cost and SLO as one objective. Over a horizon (the start-up delay and a tick: what a
 * decision now commits to), the expected cost of n replicas is
 *     Σ over the horizon's points  Δt · ( n · price per replica-minute + price per SLO-violation minute · P(load > holds(n_t)) )
 * where the load at each point is Normal(mean, sd) from the forecast (or the pool's own burst history where that
 * puts more weight in the tail), `holds(n)` is the highest load n replicas serve
 * within the SLO (the capacity model), and n_t is what serves at that point: a replica asked now serves only after
 * the start-up delay, a removed one stops at once. The plan is the n that minimises it (a newsvendor trade-off: the
 * SLO risk bought per replica-minute), capped by maxReplicas and the budget.
 */
export interface LoadPoint {
  /** Seconds from now. */
  offsetSeconds: number;
  /** Seconds of the horizon this point stands for. */
  weightSeconds: number;
  mean: number;
  sd: number;
}

export interface CostInput {
  horizon: readonly LoadPoint[];
  /** Replicas serving now; replicas asked beyond them serve from `startupSeconds` on. */
  serving: number;
  startupSeconds: number;
  /** Highest load n replicas serve within the SLO (non-decreasing in n). */
  holds: (replicas: number) => number;
  costPerReplicaHourUsd: number;
  sloViolationMinuteUsd: number;
  minReplicas: number;
  /**
   * The fewest replicas that keep the queue stable (utilisation < 1) at the load now: below them the backlog grows
   * without bound, which no price per violation-minute describes, so the plan never goes under them.
   */
  stableReplicas: number;
  maxReplicas: number;
  maxCostUsdPerHour?: number;
  /**
   * P(load within the horizon > x) from the pool's own history (load-growth.ts): heavy tails a Normal misses. The
   * exceedance used is the higher of the two.
   */
  burstExceedance?: (load: number) => number;
  /**
   * The loads above `above` at which `burstExceedance` steps down (ascending): an empirical tail is a step function,
   * so the cost is not convex there and the plan also tries the counts that hold each step.
   */
  burstSteps?: (above: number) => readonly number[];
  /**
   * Ticks in the SLO's minute (default 1). The Normal is a tick's load; a minute's p95 is that of its ticks' mixture,
   * and an M/M/c tail grows exponentially with the load, so the minute is over when about any one tick is:
   * P(minute) = 1 − (1 − P(tick))^k (independent ticks: the white noise; a shared level error makes it a bound).
   */
  ticksPerMinute?: number;
}

export interface CostPlan {
  replicas: number;
  /** Expected spend over the horizon at the plan: replicas, and the SLO risk priced. */
  replicaCostUsd: number;
  sloRiskUsd: number;
  /** Expected SLO-violation minutes over the horizon at the plan. */
  violationMinutes: number;
  horizonSeconds: number;
  /** The next count down, for the explanation (undefined at the floor). */
  oneLess?: { replicaCostUsd: number; sloRiskUsd: number };
  limitedBy?: 'budget' | 'maxReplicas';
}

/** Steps of the burst tail the search tries at most (bounds the decision time). */
const MAX_BURST_STEPS = 32;

export function cheapestReplicas(input: CostInput): CostPlan {
  const { horizon } = input;
  let cap = input.maxReplicas;
  let limitedBy: CostPlan['limitedBy'];
  if (input.maxCostUsdPerHour !== undefined && input.costPerReplicaHourUsd > 0) {
    const affordable = Math.max(
      input.minReplicas,
      Math.floor(input.maxCostUsdPerHour / input.costPerReplicaHourUsd + 1e-9),
    );
    if (affordable < cap) cap = affordable;
  }
  const ticks = Math.max(1, input.ticksPerMinute ?? 1);
  const evaluate = (n: number) => {
    let replicaCostUsd = 0;
    let violationMinutes = 0;
    for (const point of horizon) {
      const minutes = point.weightSeconds / 60;
      replicaCostUsd += (n * input.costPerReplicaHourUsd * minutes) / 60;
      const serving = point.offsetSeconds < input.startupSeconds ? Math.min(n, input.serving) : n;
      const limit = input.holds(serving);
      const tick = exceedance(point, limit);
      const minute = ticks > 1 ? 1 - Math.pow(1 - tick, ticks) : tick;
      violationMinutes += minutes * Math.max(minute, input.burstExceedance?.(limit) ?? 0);
    }
    return { replicaCostUsd, sloRiskUsd: violationMinutes * input.sloViolationMinuteUsd, violationMinutes };
  };
  // Where n matters (from the start-up on), each point's exceedance is convex once n holds its mean: from the count
  // holding the lowest such mean up, the cost is convex in n. Below it the cost is concave: its cheapest is an end.
  const counted = horizon.filter((p) => p.offsetSeconds >= input.startupSeconds);
  const lowest = (counted.length > 0 ? counted : horizon).reduce((m, p) => Math.min(m, p.mean), Infinity);
  const floor = Math.min(cap, Math.max(input.minReplicas, 1, input.stableReplicas));
  const low = Math.min(cap, Math.max(floor, smallestHolding(input.holds, lowest, cap)));
  let best = { n: floor, ...evaluate(floor) };
  if (low > floor) {
    const atLow = { n: low, ...evaluate(low) };
    if (atLow.replicaCostUsd + atLow.sloRiskUsd <= best.replicaCostUsd + best.sloRiskUsd) best = atLow;
  }
  // Above `low` the Normal part is convex in n (replica cost linear, risk falling ever slower): bisect for the first
  // n whose next replica no longer pays, bracketing by doubling the step.
  const total = (n: number) => {
    const c = evaluate(n);
    return c.replicaCostUsd + c.sloRiskUsd;
  };
  const pays = (n: number) => n < cap && total(n + 1) < total(n) - 1e-12;
  const descend = (from: number): number => {
    if (!pays(from)) return from;
    let lo = from;
    let step = 1;
    let hi = Math.min(cap, from + step);
    while (hi < cap && pays(hi)) {
      lo = hi;
      step *= 2;
      hi = Math.min(cap, lo + step);
    }
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (pays(mid)) lo = mid;
      else hi = mid;
    }
    return hi;
  };
  const consider = (n: number) => {
    const c = { n, ...evaluate(n) };
    if (c.replicaCostUsd + c.sloRiskUsd < best.replicaCostUsd + best.sloRiskUsd - 1e-12) best = c;
  };
  const convex = descend(low);
  if (convex !== low) consider(convex);
  // The burst history's tail is a step function: on a flat stretch the next replica saves nothing, though the count
  // holding the next step may pay. Branch and bound over the steps: the risk is never negative, so once the replicas
  // alone cost more than the best plan's total, no larger count can win.
  if (input.burstSteps) {
    let tried = 0;
    let last = best.n;
    for (const load of input.burstSteps(input.holds(best.n))) {
      if (tried >= MAX_BURST_STEPS) break;
      const n = smallestHolding(input.holds, load, cap);
      if (n <= last) continue;
      if (evaluate(n).replicaCostUsd >= best.replicaCostUsd + best.sloRiskUsd) break;
      tried++;
      last = n;
      consider(n);
      consider(descend(n));
      if (n >= cap) break;
    }
  }
  if (best.n === cap && cap < input.maxReplicas && best.violationMinutes > 0.01) limitedBy = 'budget';
  else if (best.n === input.maxReplicas && best.violationMinutes > 0.01) limitedBy = 'maxReplicas';
  const oneLess = best.n > floor ? evaluate(best.n - 1) : undefined;
  return {
    replicas: best.n,
    replicaCostUsd: best.replicaCostUsd,
    sloRiskUsd: best.sloRiskUsd,
    violationMinutes: best.violationMinutes,
    horizonSeconds: horizon.reduce((s, p) => s + p.weightSeconds, 0),
    ...(oneLess ? { oneLess: { replicaCostUsd: oneLess.replicaCostUsd, sloRiskUsd: oneLess.sloRiskUsd } } : {}),
    ...(limitedBy ? { limitedBy } : {}),
  };
}

/** The fewest replicas (≤ cap) whose `holds` reaches `load`: doubling, then bisection (holds is non-decreasing). */
export function smallestHolding(holds: (n: number) => number, load: number, cap: number): number {
  if (holds(1) >= load) return 1;
  let low = 1;
  let high = 2;
  while (high < cap && holds(high) < load) {
    low = high;
    high = Math.min(cap, high * 2);
  }
  if (holds(high) < load) return cap;
  while (high - low > 1) {
    const mid = (low + high) >> 1;
    if (holds(mid) >= load) high = mid;
    else low = mid;
  }
  return high;
}

/** P(load > limit) for a Normal(mean, sd) load (a step when sd = 0). */
function exceedance(point: LoadPoint, limit: number): number {
  if (point.sd <= 0) return point.mean > limit ? 1 : 0;
  return 0.5 * erfc((limit - point.mean) / (point.sd * Math.SQRT2));
}
