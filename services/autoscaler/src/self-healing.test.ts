import { SelfHealing } from './self-healing';

const options = { unresponsiveAfterMs: 60_000, maxPerPeriod: 2, periodMs: 600_000, backoffMs: 300_000 };

function pool(healing: SelfHealing, ids: string[], at: number): void {
  for (const id of ids) healing.seen('p', id, at);
}

describe('SelfHealing', () => {
  it('replaces agents silent beyond the timeout while their pool still reports', () => {
    const healing = new SelfHealing(options);
    pool(healing, ['a', 'b', 'c'], 0);
    pool(healing, ['a', 'b'], 70_000);
    expect(healing.due(70_000, new Map([['p', 3]]))).toEqual({
      replacements: [{ pool: 'p', agentIds: ['c'] }],
      held: [],
    });
    // Once replaced, c is forgotten.
    expect(healing.due(80_000, new Map([['p', 3]])).replacements).toEqual([]);
  });

  it('does not replace agents removed by a scale-down, nor a pool that went quiet as a whole', () => {
    const healing = new SelfHealing(options);
    pool(healing, ['a', 'b', 'c'], 0);
    pool(healing, ['a', 'b'], 70_000);
    expect(healing.due(70_000, new Map([['p', 2]])).replacements).toEqual([]);
    const quiet = new SelfHealing(options);
    pool(quiet, ['a', 'b'], 0);
    expect(quiet.due(70_000, new Map([['p', 2]])).replacements).toEqual([]);
  });

  it('caps replacements per period, then backs off (doubling) against flapping', () => {
    const healing = new SelfHealing(options);
    const ids = ['a', 'b', 'c', 'd', 'e', 'f'];
    pool(healing, [...ids, 'alive'], 0);
    healing.seen('p', 'alive', 70_000);
    const first = healing.due(70_000, new Map([['p', 7]]));
    expect(first.replacements).toEqual([{ pool: 'p', agentIds: ['a', 'b'] }]);
    const second = healing.due(80_000, new Map([['p', 7]]));
    expect(second).toEqual({ replacements: [], held: ['p'] });
    // Still within the 300 s backoff even though the period has room again later.
    healing.seen('p', 'alive', 200_000);
    expect(healing.due(200_000, new Map([['p', 7]])).held).toEqual(['p']);
    healing.seen('p', 'alive', 700_000);
    expect(healing.due(700_000, new Map([['p', 7]])).replacements).toEqual([{ pool: 'p', agentIds: ['c', 'd'] }]);
  });
});
