import type { Decision } from './pool-controller';

/** One pool's efficiency since start (or since the tracker was created). */
export interface PoolEfficiency {
  pool: string;
  /** Mean utilisation over the ticks that measured one (see Decision.utilisation). */
  utilisation: number | null;
  /** Spend at the current replica count, and accrued since start. */
  costUsdPerHour: number;
  costUsd: number;
  /** Share of ticks with latency whose p95 met the SLO. */
  sloAttainment: number | null;
  /** Replica-minutes above / below what the load needed at the SLO (needs a learnt capacity). */
  overProvisionedReplicaMinutes: number;
  underProvisionedReplicaMinutes: number;
  replicaMinutes: number;
  minutesObserved: number;
}

interface Totals {
  utilisationSum: number;
  utilisationTicks: number;
  sloTicks: number;
  sloMet: number;
  over: number;
  under: number;
  replicaMinutes: number;
  minutes: number;
  costUsd: number;
  costUsdPerHour: number;
}

/**
 * Accrues efficiency from decisions: each decision covers the tick before it, served by its `current` replicas.
 * Needed replicas = load / learnt capacity per replica (no headroom): above it is over-provisioned, below under.
 */
export class EfficiencyTracker {
  private readonly pools = new Map<string, Totals>();

  record(decision: Decision, tickMs: number, costPerReplicaHourUsd: number): void {
    let t = this.pools.get(decision.pool);
    if (!t) {
      t = {
        utilisationSum: 0,
        utilisationTicks: 0,
        sloTicks: 0,
        sloMet: 0,
        over: 0,
        under: 0,
        replicaMinutes: 0,
        minutes: 0,
        costUsd: 0,
        costUsdPerHour: 0,
      };
      this.pools.set(decision.pool, t);
    }
    const minutes = tickMs / 60_000;
    t.minutes += minutes;
    t.replicaMinutes += decision.current * minutes;
    t.costUsd += (decision.current * costPerReplicaHourUsd * minutes) / 60;
    t.costUsdPerHour = decision.costUsdPerHour;
    if (decision.utilisation !== null) {
      t.utilisationSum += decision.utilisation;
      t.utilisationTicks++;
    }
    if (decision.sloMet !== null) {
      t.sloTicks++;
      if (decision.sloMet) t.sloMet++;
    }
    if (decision.capacity?.trusted && decision.capacity.perReplicaRps > 0) {
      const needed = Math.ceil(decision.inputs.loadRps / decision.capacity.perReplicaRps);
      t.over += Math.max(0, decision.current - needed) * minutes;
      t.under += Math.max(0, needed - decision.current) * minutes;
    }
  }

  report(): PoolEfficiency[] {
    return [...this.pools].map(([pool, t]) => ({
      pool,
      utilisation: t.utilisationTicks ? t.utilisationSum / t.utilisationTicks : null,
      costUsdPerHour: t.costUsdPerHour,
      costUsd: t.costUsd,
      sloAttainment: t.sloTicks ? t.sloMet / t.sloTicks : null,
      overProvisionedReplicaMinutes: t.over,
      underProvisionedReplicaMinutes: t.under,
      replicaMinutes: t.replicaMinutes,
      minutesObserved: t.minutes,
    }));
  }
}
