import { FAULT_TYPES, planFleet } from './plan';

describe('planFleet', () => {
  it('is deterministic for one seed and differs between seeds', () => {
    expect(planFleet({ seed: 7 })).toEqual(planFleet({ seed: 7 }));
    expect(planFleet({ seed: 8 }).faults).not.toEqual(planFleet({ seed: 7 }).faults);
  });

  it('draws 4–7 pools of 20–150 agents at the default size, with the load-test pool last', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const plan = planFleet({ seed });
      expect(plan.pools.length).toBeGreaterThanOrEqual(4);
      expect(plan.pools.length).toBeLessThanOrEqual(7);
      for (const pool of plan.pools)
        expect([pool.name, pool.agents >= 20 && pool.agents <= 150]).toEqual([pool.name, true]);
      expect(plan.pools.at(-1)!.stopsAt).toBe(plan.startEpochMs + 0.92 * 2 * 3_600_000);
      expect(plan.agents).toHaveLength(plan.pools.reduce((s, p) => s + p.agents, 0));
    }
  });

  it('plants ≈ faultShare × agents faults, every type, one per agent, after warm-up and before the pool stop', () => {
    const plan = planFleet({ seed: 3 });
    expect(plan.faults).toHaveLength(Math.round(plan.agents.length * 0.1));
    expect(new Set(plan.faults.map((f) => f.type))).toEqual(new Set(FAULT_TYPES));
    expect(new Set(plan.faults.map((f) => f.agentId)).size).toBe(plan.faults.length);
    const byId = new Map(plan.agents.map((a) => [a.id, a]));
    for (const f of plan.faults) {
      const agent = byId.get(f.agentId)!;
      expect(agent.fault).toBe(f);
      expect(f.start).toBeGreaterThanOrEqual(
        Math.max(plan.startEpochMs + 0.3 * 2 * 3_600_000, agent.joinedAt + 30 * 60_000),
      );
      expect(f.end).toBeLessThanOrEqual(
        f.type === 'model_drift' ? plan.endEpochMs : Math.min(agent.stoppedAt, plan.endEpochMs),
      );
      expect(f.end).toBeGreaterThan(f.start);
    }
  });

  it('the fault-free plan of a seed is the same fleet with the same spikes and no faults', () => {
    const faulted = planFleet({ seed: 5 });
    const clean = planFleet({ seed: 5, faults: false });
    expect(clean.faults).toEqual([]);
    expect(clean.agents.map((a) => [a.id, a.rate, a.memoryBytes])).toEqual(
      faulted.agents.map((a) => [a.id, a.rate, a.memoryBytes]),
    );
    expect(clean.spikes).toEqual(faulted.spikes);
    expect(clean.agents.every((a) => a.fault === undefined && a.scan === undefined)).toBe(true);
  });

  it('draws natural spikes at the asked rate per agent-hour (Poisson: within 4 σ)', () => {
    const plan = planFleet({ seed: 11, spikesPerAgentHour: 2, faults: false });
    const agentHours = plan.agents.reduce(
      (s, a) => s + (Math.min(plan.endEpochMs, a.stoppedAt) - a.joinedAt) / 3_600_000,
      0,
    );
    const expected = 2 * agentHours;
    expect(Math.abs(plan.spikes.length - expected)).toBeLessThan(4 * Math.sqrt(expected));
  });

  it('gives a share of agents slow drifts of +10–20 %/h, which are not faults', () => {
    const plan = planFleet({ seed: 2, faults: false, memoryDriftShare: 0.3 });
    const drifting = plan.agents.filter((a) => a.memoryDriftPerHour > 0);
    expect(drifting.length / plan.agents.length).toBeGreaterThan(0.2);
    expect(drifting.length / plan.agents.length).toBeLessThan(0.4);
    for (const a of drifting) expect(a.memoryDriftPerHour >= 0.1 && a.memoryDriftPerHour <= 0.2).toBe(true);
  });
});
