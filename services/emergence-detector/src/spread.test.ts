import { binomialUpperTail } from './binomial';
import { SeededRandom } from './random';
import { analyseSpread, followsEdges, placementTest, poissonUpperTail, precedenceTest, spreadShare } from './spread';

/** A chain a0 – a1 – … – a9 plus one isolated pair far away. */
function chain(): Map<string, string[]> {
  const neighbours = new Map<string, string[]>();
  const link = (a: string, b: string) => {
    neighbours.set(a, [...(neighbours.get(a) ?? []), b]);
    neighbours.set(b, [...(neighbours.get(b) ?? []), a]);
  };
  for (let i = 0; i < 9; i++) link(`a${i}`, `a${i + 1}`);
  link('x', 'y');
  return neighbours;
}

describe('analyseSpread', () => {
  it('orders a spread along the edges with the path it took', () => {
    const flagged = new Map([
      ['a2', 5],
      ['a3', 7],
      ['a4', 9],
      ['y', 3],
    ]);
    const result = analyseSpread(flagged, chain(), 1000, 1000);
    expect(result.components).toHaveLength(1);
    const [component] = result.components;
    expect(component!.steps.map((s) => [s.agent, s.via, s.depth])).toEqual([
      ['a2', null, 0],
      ['a3', 'a2', 1],
      ['a4', 'a3', 2],
    ]);
    expect(component!.followers).toBe(2);
    expect(component!.participants).toBe(3);
    expect(component!.linked).toBe(2);
    expect(result.observedEdges).toBe(2);
    expect(result.chance).toBeLessThan(1e-3);
  });

  it('counts simultaneous changes as no spread', () => {
    const result = analyseSpread(
      new Map([
        ['a0', 4],
        ['a1', 4],
      ]),
      chain(),
      12,
      10,
    );
    expect(result.components[0]!.followers).toBe(0);
    expect(result.components[0]!.linked).toBe(1);
  });
});

describe('tails', () => {
  it('Poisson: P(X ≥ 0) = 1, P(X ≥ 1) = 1 − e^−λ, tiny for far tails', () => {
    expect(poissonUpperTail(0, 2)).toBe(1);
    expect(poissonUpperTail(1, 2)).toBeCloseTo(1 - Math.exp(-2), 12);
    expect(poissonUpperTail(3, 1e-4)).toBeCloseTo(1e-12 / 6, 15);
  });

  it('binomial: P(X ≥ 10 | n = 10, p) = p^10 and P(X ≥ 1) = 1 − (1 − p)^n', () => {
    expect(binomialUpperTail(10, 10, 0.5)).toBeCloseTo(2 ** -10, 14);
    expect(binomialUpperTail(1, 5, 0.2)).toBeCloseTo(1 - 0.8 ** 5, 12);
  });

  it('binomial past the summed range (incomplete beta): the same closed forms, and an answer for any count', () => {
    expect(binomialUpperTail(20_000, 20_000, 0.9999)).toBeCloseTo(0.9999 ** 20_000, 10);
    expect(binomialUpperTail(1, 50_000, 1e-5)).toBeCloseTo(1 - (1 - 1e-5) ** 50_000, 10);
    // The two paths agree where they meet.
    expect(binomialUpperTail(2600, 10_001, 0.25)).toBeCloseTo(binomialUpperTail(2600, 10_000, 0.25), 2);
    // An agent reporting 10^15 requests, 30 % failed: decided (a vanishing tail), not summed term by term.
    expect(binomialUpperTail(3e14, 1e15, 0.01)).toBe(0);
  });
});

describe('spreadShare', () => {
  it('is the share of linked changes that travelled, whatever changed alone elsewhere', () => {
    // a2 → a3 → a4 travelled; x and y changed together (no order); far-off singles are not linked to anyone.
    const flagged = new Map([
      ['a2', 5],
      ['a3', 7],
      ['a4', 9],
      ['x', 3],
      ['y', 3],
    ]);
    const alone = new Map([...flagged, ['a7', 1], ['a0', 2]]);
    const share = spreadShare(analyseSpread(flagged, chain(), 1000, 1000).components);
    expect(share).toBeCloseTo(3 / 5, 12);
    expect(spreadShare(analyseSpread(alone, chain(), 1000, 1000).components)).toBeCloseTo(3 / 5, 12);
  });

  it('is 0 for changes that all came together and for no linked changes at all', () => {
    expect(
      spreadShare(
        analyseSpread(
          new Map([
            ['a0', 4],
            ['a1', 4],
            ['a2', 4],
          ]),
          chain(),
          12,
          10,
        ).components,
      ),
    ).toBe(0);
    expect(
      spreadShare(
        analyseSpread(
          new Map([
            ['a0', 4],
            ['a5', 6],
          ]),
          chain(),
          12,
          10,
        ).components,
      ),
    ).toBe(0);
  });
});

/** A hub h linked to leaves l0 … l(n−1), nothing else. */
function star(n: number): Map<string, string[]> {
  const neighbours = new Map<string, string[]>([['h', []]]);
  for (let i = 0; i < n; i++) {
    neighbours.get('h')!.push(`l${i}`);
    neighbours.set(`l${i}`, ['h']);
  }
  return neighbours;
}

describe('precedenceTest', () => {
  const seeds = [1, 2, 3, 4, 5];
  const test = (flagged: Map<string, number>, neighbours: Map<string, string[]>, seed: number) =>
    precedenceTest(analyseSpread(flagged, neighbours, 1000, 1000).components, neighbours, 999, new SeededRandom(seed));

  it('finds a chain changing hop by hop in order, whatever the shuffles drew', () => {
    const flagged = new Map(Array.from({ length: 10 }, (_, i) => [`a${i}`, 10 + i] as const));
    for (const seed of seeds) {
      const result = test(flagged, chain(), seed);
      expect(result.followers).toBe(9);
      // Nine followers among ten on a path: one place changed first and the rest spread from it both ways, 2⁹ of the 10! orders.
      expect(result.p).toBeLessThanOrEqual(3 / 1000);
      expect(followsEdges(result, 0.05)).toBe(true);
    }
  });

  it('treats changes within one tick as ties, never as an order', () => {
    // The whole chain in two ticks: every change of the second follows one of the first, yet one step is what a
    // common cause staggered by a tick shows too, and shuffles do as well.
    const flagged = new Map(Array.from({ length: 10 }, (_, i) => [`a${i}`, i % 3 === 0 ? 11 : 10] as const));
    for (const seed of seeds) expect(followsEdges(test(flagged, chain(), seed), 0.05)).toBe(false);
  });

  it('finds a star whose hub changed first, alone in its tick: p near 1 in n (its place in time is the only order a star has)', () => {
    const flagged = new Map([['h', 5], ...Array.from({ length: 29 }, (_, i) => [`l${i}`, 6 + (i % 3)] as const)]);
    for (const seed of seeds) {
      const result = test(flagged, star(29), seed);
      expect(result.followers).toBe(29);
      expect(result.p).toBeGreaterThan(0.015);
      expect(result.p).toBeLessThan(0.06);
    }
  });

  it('takes a star whose hub shares its first tick with a leaf, every other leaf after it, as ordered as its times allow', () => {
    // Hub and one leaf in the first tick: 2 in 30 shuffles do as well, so no p can pass 0.05 here.
    const flagged = new Map([
      ['h', 5],
      ['l0', 5],
      ...Array.from({ length: 28 }, (_, i) => [`l${i + 1}`, 6 + (i % 3)] as const),
    ]);
    for (const seed of seeds) {
      const result = test(flagged, star(29), seed);
      expect(result.followers).toBe(result.mostOrdered);
      expect(result.floor).toBeGreaterThan(0.05);
      expect(followsEdges(result, 0.05)).toBe(true);
    }
  });

  it('rejects a star whose hub changed among its leaves (a common cause, in no order along the edges)', () => {
    const flagged = new Map([['h', 7], ...Array.from({ length: 29 }, (_, i) => [`l${i}`, 5 + (i % 4)] as const)]);
    for (const seed of seeds) {
      const result = test(flagged, star(29), seed);
      expect(result.followers).toBeLessThan(result.mostOrdered);
      expect(followsEdges(result, 0.05)).toBe(false);
    }
  });
});

describe('placementTest', () => {
  const seeds = [1, 2, 3];
  /** Two pools of 100 agents (p0-…, p1-…), each a ring with a chord every fifth agent: densely linked inside a pool. */
  function pools(): { neighbours: Map<string, string[]>; members: Map<string, string[]> } {
    const neighbours = new Map<string, string[]>();
    const link = (a: string, b: string) => {
      neighbours.set(a, [...(neighbours.get(a) ?? []), b]);
      neighbours.set(b, [...(neighbours.get(b) ?? []), a]);
    };
    const members = new Map<string, string[]>();
    for (const pool of ['p0', 'p1']) {
      const ids = Array.from({ length: 100 }, (_, i) => `${pool}-${i}`);
      members.set(pool, ids);
      for (let i = 0; i < 100; i++) link(ids[i]!, ids[(i + 1) % 100]!);
      for (let i = 0; i < 100; i += 5) link(ids[i]!, ids[(i + 50) % 100]!);
    }
    return { neighbours, members };
  }
  const poolOf = (agent: string) => agent.slice(0, 2);

  it('finds gains passed hop by hop along a path inside a pool: far more followers than random agents of the pool give', () => {
    const { neighbours, members } = pools();
    // p0-10 … p0-21 in order, one tick a hop: 11 followers.
    const changed = new Map(Array.from({ length: 12 }, (_, i) => [`p0-${10 + i}`, 100 + i] as const));
    for (const seed of seeds) {
      const result = placementTest(changed, poolOf, members, neighbours, 999, new SeededRandom(seed));
      expect(result.followers).toBe(11);
      // 12 random agents of 100 on a sparse ring are rarely neighbours: about one follower by chance.
      expect(result.nullMean).toBeLessThan(2);
      expect(result.p).toBe(1 / 1000);
    }
  });

  it('finds a spread whose times are noisier than a hop: its gains are still neighbours', () => {
    const { neighbours, members } = pools();
    // The same path dated with errors of up to four ticks: half its neighbours' order is reversed.
    const noise = [0, 3, -2, 2, 1, -1, 4, 2, 5, 3, 8, 6];
    const changed = new Map(noise.map((d, i) => [`p0-${10 + i}`, 100 + i + d] as const));
    for (const seed of seeds) {
      const result = placementTest(changed, poolOf, members, neighbours, 999, new SeededRandom(seed));
      // 104 after 100, 105 after 100, 105 after 104, 110, 113, 118 after theirs: 6 followers.
      expect(result.followers).toBe(6);
      expect(result.p).toBeLessThanOrEqual(0.01);
    }
  });

  it('rejects a whole pool improving together (a common cause): its placements are the same agents', () => {
    const { neighbours, members } = pools();
    // Every agent of p1 changes within three ticks, in no order along the edges: many followers, as many by chance.
    const times = new SeededRandom(99);
    const changed = new Map(members.get('p1')!.map((id) => [id, 50 + times.int(3)] as const));
    for (const seed of seeds) {
      const result = placementTest(changed, poolOf, members, neighbours, 999, new SeededRandom(seed));
      expect(result.followers).toBeGreaterThan(40);
      expect(result.p).toBeGreaterThan(0.05);
    }
  });

  it('leaves out changed agents of no known pool, and says p = 1 with nothing to place', () => {
    const { neighbours, members } = pools();
    const result = placementTest(new Map([['stranger', 3]]), poolOf, members, neighbours, 99, new SeededRandom(1));
    expect(result).toEqual({ followers: 0, nullMean: 0, p: 1 });
  });
});
