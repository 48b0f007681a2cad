import { POOL_PROFILES } from './models';
import { Population, apportion, describeGraph } from './population';

describe('Population', () => {
  it('splits agents over pools by their shares, with ids that name the pool and the ordinal', () => {
    const population = Population.build({ agents: 1000, seed: 7 });
    expect(population.size).toBe(1000);
    const counts = Object.fromEntries(population.pools().map((p) => [p.pool, p.agents]));
    expect(counts).toEqual(Object.fromEntries(POOL_PROFILES.map((p) => [p.name, Math.round(p.share * 1000)])));
    expect(population.pool('support')[0]!.id).toBe('support-00000');
    expect(population.pool('support').map((a) => a.ordinal)).toEqual(
      Array.from({ length: counts.support! }, (_, i) => i),
    );
    expect(new Set(population.agents().map((a) => a.id)).size).toBe(1000);
  });

  it('gives each pool its own model mix', () => {
    const population = Population.build({ agents: 2000, seed: 7 });
    const models = (pool: string) => new Set(population.pool(pool).map((a) => a.model.name));
    expect(models('triage')).toEqual(new Set(['llama-3.1-8b', 'gpt-4o-mini']));
    expect(models('coding').has('claude-sonnet-4')).toBe(true);
    expect(models('coding').has('gpt-4o-mini')).toBe(false);
  });

  it('has communities: far more edges inside a pool than between pools', () => {
    const graph = describeGraph(Population.build({ agents: 2000, seed: 11 }));
    expect(graph.edges).toBeGreaterThan(2000 * 2.5);
    expect(graph.intraPoolEdges).toBeGreaterThan(5 * graph.interPoolEdges);
    expect(graph.interPoolEdges).toBeGreaterThan(0);
  });

  it('has hubs: the largest degree is many times the median', () => {
    const graph = describeGraph(Population.build({ agents: 2000, seed: 11 }));
    expect(graph.medianDegree).toBeGreaterThanOrEqual(3);
    expect(graph.maxDegree).toBeGreaterThan(8 * graph.medianDegree);
  });

  it('is the same agents and the same graph for the same seed, and another for another seed', () => {
    const shape = (seed: number) =>
      Population.build({ agents: 500, seed })
        .agents()
        .map((a) => `${a.id}:${a.model.name}:${a.type.name}:${a.out.map((b) => b.id).join(',')}`)
        .join('\n');
    expect(shape(3)).toBe(shape(3));
    expect(shape(3)).not.toBe(shape(4));
  });

  it('scales a pool: adds the next ordinals, removes the highest, and re-adds an ordinal with the same profile', () => {
    const population = Population.build({ agents: 100, seed: 5 });
    const before = population.pool('triage').length;
    const last = population.pool('triage')[before - 1]!;
    const down = population.scale('triage', before - 3, 0);
    expect(down.removed.map((a) => a.ordinal)).toEqual([before - 3, before - 2, before - 1]);
    expect(population.pool('triage')).toHaveLength(before - 3);
    expect(population.size).toBe(97);
    expect(population.agent(last.id)).toBeUndefined();
    expect(last.removed).toBe(true);

    const up = population.scale('triage', before + 2, 5000);
    expect(up.added.map((a) => a.ordinal)).toEqual([before - 3, before - 2, before - 1, before, before + 1]);
    const again = population.agent(last.id)!;
    expect(again).not.toBe(last);
    expect([again.model.name, again.type.name, again.rateFactor]).toEqual([
      last.model.name,
      last.type.name,
      last.rateFactor,
    ]);
    expect(again.joinedAtMs).toBe(5000);
    expect(again.out.length).toBeGreaterThan(0);
    expect(population.size).toBe(102);
    expect(() => population.scale('nowhere', 1, 0)).toThrow('unknown pool');
  });

  it('apportions whole counts that sum to the total', () => {
    expect(apportion(10, [0.35, 0.2, 0.3, 0.15])).toEqual([4, 2, 3, 1]);
    expect(apportion(3, [1, 1, 1, 1]).reduce((a, b) => a + b)).toBe(3);
  });
});
