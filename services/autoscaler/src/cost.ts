/**
 * Cost-optimised strategy: the cheapest replica count that holds the SLO for a load, given the learned per-replica
 * capacity (capacity.ts) less a headroom. Replicas of one pool cost the same, so the cheapest count is the smallest
 * n with load / n ≤ capacity × (1 − headroom); an optional budget caps n, and the answer then says the SLO is at risk.
 */
export interface CostInput {
  /** Requests/s to hold (the forecast peak over the lead time, or the current load if higher). */
  load: number;
  /** Requests/s one replica serves at the SLO. */
  perReplicaCapacity: number;
  headroom: number;
  costPerReplicaHourUsd: number;
  minReplicas: number;
  maxReplicas: number;
  maxCostUsdPerHour?: number;
}

export interface CostPlan {
  replicas: number;
  costUsdPerHour: number;
  /** False when the budget or maxReplicas stopped the plan short of the SLO. */
  holdsSlo: boolean;
  /** Utilisation of the learned capacity at this count (load / (n × capacity)). */
  utilisation: number;
  limitedBy?: 'budget' | 'maxReplicas';
}

export function cheapestReplicas(input: CostInput): CostPlan {
  const usable = input.perReplicaCapacity * (1 - input.headroom);
  if (!(usable > 0)) throw new RangeError('perReplicaCapacity × (1 − headroom) must be > 0');
  const needed = Math.max(input.minReplicas, Math.ceil(input.load / usable - 1e-9));
  let replicas = needed;
  let limitedBy: CostPlan['limitedBy'];
  if (replicas > input.maxReplicas) {
    replicas = input.maxReplicas;
    limitedBy = 'maxReplicas';
  }
  if (input.maxCostUsdPerHour !== undefined && input.costPerReplicaHourUsd > 0) {
    const affordable = Math.max(input.minReplicas, Math.floor(input.maxCostUsdPerHour / input.costPerReplicaHourUsd + 1e-9));
    if (replicas > affordable) {
      replicas = affordable;
      limitedBy = 'budget';
    }
  }
  return {
    replicas,
    costUsdPerHour: replicas * input.costPerReplicaHourUsd,
    holdsSlo: replicas >= needed,
    utilisation: input.load / (replicas * input.perReplicaCapacity),
    ...(limitedBy ? { limitedBy } : {}),
  };
}
