/**
 * The Kubernetes Horizontal Pod Autoscaler algorithm, as kube-controller-manager runs it (pkg/controller/podautoscaler,
 * `horizontal.go`: `stabilizeRecommendationWithBehaviors` and `convertDesiredReplicasWithBehaviorRate`), so operators
 * recognise every number: desired = ceil(current × metric / target), skipped within the tolerance; the highest of
 * several metrics wins; the scale-down stabilisation window keeps the highest recommendation seen over the window;
 * `behavior` policies cap the change per period. Time comes in as data (epoch ms); nothing here reads a clock.
 */

export type ScalingPolicyType = 'Pods' | 'Percent';
export type SelectPolicy = 'Max' | 'Min' | 'Disabled';

export interface ScalingPolicyRule {
  type: ScalingPolicyType;
  value: number;
  periodSeconds: number;
}

export interface ScalingRules {
  stabilizationWindowSeconds: number;
  selectPolicy: SelectPolicy;
  policies: ScalingPolicyRule[];
}

/** `spec.behavior` of an autoscaling/v2 HorizontalPodAutoscaler. */
export interface HpaBehavior {
  scaleUp: ScalingRules;
  scaleDown: ScalingRules;
}

/** Kubernetes' defaults when `behavior` is not set (documented in the HPA walkthrough, "Default Behavior"). */
export const DEFAULT_BEHAVIOR: HpaBehavior = {
  scaleUp: {
    stabilizationWindowSeconds: 0,
    selectPolicy: 'Max',
    policies: [
      { type: 'Percent', value: 100, periodSeconds: 15 },
      { type: 'Pods', value: 4, periodSeconds: 15 },
    ],
  },
  scaleDown: {
    stabilizationWindowSeconds: 300,
    selectPolicy: 'Max',
    policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
  },
};

export const DEFAULT_TOLERANCE = 0.1;

/** One metric's current value against its target (same unit: both utilisation %, both seconds...). */
export interface MetricRatio {
  name: string;
  value: number;
  target: number;
}

/**
 * desired = ceil(ready × value / target); `current` when the ratio is within the tolerance of 1. `value` is measured
 * over the `ready` replicas; while some replicas are not ready yet (current > ready) and the metric asks to scale up,
 * they count as using 0% (Kubernetes' conservative rule for not-yet-ready pods), so replicas still starting are not
 * asked for again; a recommendation that would then flip direction or fall within the tolerance keeps `current`.
 */
export function replicasForMetric(
  current: number,
  value: number,
  target: number,
  tolerance = DEFAULT_TOLERANCE,
  ready = current,
): number {
  const ratio = value / target;
  if (!Number.isFinite(ratio)) return current;
  const serving = Math.min(ready, current);
  if (!(serving < current && ratio > 1)) {
    if (Math.abs(1 - ratio) <= tolerance) return current;
    return Math.ceil(ratio * serving);
  }
  const withUnready = (ratio * serving) / current;
  if (Math.abs(1 - withUnready) <= tolerance || withUnready < 1) return current;
  return Math.max(current, Math.ceil(withUnready * current));
}

/** Several metrics: each proposes a count, the highest wins (the HPA's rule), with the metric that set it. */
export function replicasForMetrics(
  current: number,
  metrics: readonly MetricRatio[],
  tolerance = DEFAULT_TOLERANCE,
  ready = current,
): { replicas: number; metric?: string } {
  let best: { replicas: number; metric?: string } | undefined;
  for (const metric of metrics) {
    const replicas = replicasForMetric(current, metric.value, metric.target, tolerance, ready);
    if (!best || replicas > best.replicas) best = { replicas, metric: metric.name };
  }
  return best ?? { replicas: current };
}

interface TimedValue {
  at: number;
  value: number;
}

/** Why the rate or the bounds changed a recommendation (Kubernetes' condition reasons). */
export type LimitReason = 'ScaleUpLimit' | 'ScaleDownLimit' | 'TooManyReplicas' | 'TooFewReplicas';

export interface HpaStep {
  /** What the metrics asked for, before stabilisation. */
  recommended: number;
  /** After the stabilisation windows. */
  stabilized: number;
  /** After the rate policies and min/max: the replicas to set. */
  replicas: number;
  limitedBy?: LimitReason;
}

/**
 * One pool's HPA memory: past recommendations (for the stabilisation windows) and past scale events (for the rate
 * policies). `step` is called once per sync period; `recordScale` after the scale was applied.
 */
export class HorizontalAutoscaler {
  private recommendations: TimedValue[] = [];
  private scaleUpEvents: TimedValue[] = [];
  private scaleDownEvents: TimedValue[] = [];

  constructor(private behavior: HpaBehavior = DEFAULT_BEHAVIOR) {}

  setBehavior(behavior: HpaBehavior): void {
    this.behavior = behavior;
  }

  /** Stabilises `recommended` against the windows, then applies the rate policies and [min, max]. */
  step(now: number, current: number, recommended: number, min: number, max: number): HpaStep {
    const stabilized = this.stabilize(now, current, recommended);
    const limited = this.limitRate(now, current, stabilized, min, max);
    return {
      recommended,
      stabilized,
      replicas: limited.replicas,
      ...(limited.reason ? { limitedBy: limited.reason } : {}),
    };
  }

  /** Remembers an applied change (the rate policies count replicas added or removed per period). */
  recordScale(now: number, from: number, to: number): void {
    if (to > from) this.scaleUpEvents.push({ at: now, value: to - from });
    else if (to < from) this.scaleDownEvents.push({ at: now, value: from - to });
    const longest =
      Math.max(
        0,
        ...[...this.behavior.scaleUp.policies, ...this.behavior.scaleDown.policies].map((p) => p.periodSeconds),
      ) * 1000;
    this.scaleUpEvents = this.scaleUpEvents.filter((e) => e.at > now - longest);
    this.scaleDownEvents = this.scaleDownEvents.filter((e) => e.at > now - longest);
  }

  /** The lowest recommendation over the scale-up window and the highest over the scale-down window bound the answer. */
  private stabilize(now: number, current: number, recommended: number): number {
    const upCutoff = now - this.behavior.scaleUp.stabilizationWindowSeconds * 1000;
    const downCutoff = now - this.behavior.scaleDown.stabilizationWindowSeconds * 1000;
    let upRecommendation = recommended;
    let downRecommendation = recommended;
    for (const past of this.recommendations) {
      if (past.at > upCutoff) upRecommendation = Math.min(upRecommendation, past.value);
      if (past.at > downCutoff) downRecommendation = Math.max(downRecommendation, past.value);
    }
    let result = current;
    if (result < upRecommendation) result = upRecommendation;
    if (result > downRecommendation) result = downRecommendation;
    const oldest = Math.min(upCutoff, downCutoff);
    this.recommendations = this.recommendations.filter((past) => past.at > oldest);
    this.recommendations.push({ at: now, value: recommended });
    return result;
  }

  private limitRate(
    now: number,
    current: number,
    desired: number,
    min: number,
    max: number,
  ): { replicas: number; reason?: LimitReason } {
    if (desired > current) {
      const limit = Math.max(current, this.scaleUpLimit(now, current));
      const allowed = Math.min(max, limit);
      if (desired > allowed) return { replicas: allowed, reason: max > limit ? 'ScaleUpLimit' : 'TooManyReplicas' };
    } else if (desired < current) {
      const limit = Math.min(current, this.scaleDownLimit(now, current));
      const allowed = Math.max(min, limit);
      if (desired < allowed) return { replicas: allowed, reason: min < limit ? 'ScaleDownLimit' : 'TooFewReplicas' };
    }
    // Kubernetes clamps to [min, max] even without a change (e.g. after min was raised).
    if (desired > max) return { replicas: max, reason: 'TooManyReplicas' };
    if (desired < min) return { replicas: min, reason: 'TooFewReplicas' };
    return { replicas: desired };
  }

  private periodStart(now: number, current: number, periodSeconds: number): number {
    const cutoff = now - periodSeconds * 1000;
    const added = sumAfter(this.scaleUpEvents, cutoff);
    const removed = sumAfter(this.scaleDownEvents, cutoff);
    return current - added + removed;
  }

  private scaleUpLimit(now: number, current: number): number {
    const rules = this.behavior.scaleUp;
    if (rules.selectPolicy === 'Disabled') return current;
    const pick = rules.selectPolicy === 'Min' ? Math.min : Math.max;
    let result = rules.selectPolicy === 'Min' ? Infinity : -Infinity;
    for (const policy of rules.policies) {
      const start = this.periodStart(now, current, policy.periodSeconds);
      // Rounded up so a small Percent still adds a replica (as Kubernetes does).
      const proposed = policy.type === 'Pods' ? start + policy.value : Math.ceil(start * (1 + policy.value / 100));
      result = pick(result, proposed);
    }
    return Number.isFinite(result) ? result : current;
  }

  private scaleDownLimit(now: number, current: number): number {
    const rules = this.behavior.scaleDown;
    if (rules.selectPolicy === 'Disabled') return current;
    // For scale-down the largest change is the lowest count: Max picks the minimum.
    const pick = rules.selectPolicy === 'Min' ? Math.max : Math.min;
    let result = rules.selectPolicy === 'Min' ? -Infinity : Infinity;
    for (const policy of rules.policies) {
      const start = this.periodStart(now, current, policy.periodSeconds);
      const proposed = policy.type === 'Pods' ? start - policy.value : Math.trunc(start * (1 - policy.value / 100));
      result = pick(result, proposed);
    }
    return Number.isFinite(result) ? result : current;
  }
}

function sumAfter(events: readonly TimedValue[], cutoff: number): number {
  let sum = 0;
  for (const event of events) if (event.at > cutoff) sum += event.value;
  return sum;
}
