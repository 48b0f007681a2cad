import { planLeases, type LeaseView } from './shard-plan';

const view = (over: Partial<LeaseView>): LeaseView => ({
  me: 'a',
  shards: [0, 1, 2, 3],
  preferred: new Set([0, 1]),
  holders: [undefined, undefined, undefined, undefined],
  wanted: [undefined, undefined, undefined, undefined],
  freeSince: new Map(),
  now: 10_000,
  graceMs: 3_000,
  ...over,
});

describe('planLeases', () => {
  it('takes its preferred free shards at once and leaves the others to their owner for a lease time', () => {
    const plan = planLeases(
      view({
        freeSince: new Map([
          [0, 10_000],
          [1, 10_000],
          [2, 10_000],
          [3, 9_000],
        ]),
      }),
    );
    expect(plan).toEqual({ acquire: [0, 1], renew: [], release: [], want: [] });
  });

  it("takes over a dead replica's shards once they stayed free a whole lease time (failover)", () => {
    const plan = planLeases(
      view({
        holders: ['a', 'a', undefined, undefined],
        freeSince: new Map([
          [2, 7_000],
          [3, 6_999],
        ]),
      }),
    );
    expect(plan).toEqual({ acquire: [2, 3], renew: [0, 1], release: [], want: [] });
  });

  it('hands a shard it does not prefer back to the replica that asks for it, and keeps the ones nobody asks for', () => {
    const plan = planLeases(view({ holders: ['a', 'a', 'a', 'a'], wanted: [undefined, 'a', 'b', undefined] }));
    expect(plan).toEqual({ acquire: [], renew: [0, 1, 3], release: [2], want: [] });
  });

  it('asks for its preferred shards another replica holds, and never gives up a preferred shard', () => {
    const plan = planLeases(
      view({ holders: ['b', 'a', 'b', undefined], wanted: [undefined, 'b', undefined, undefined] }),
    );
    expect(plan).toEqual({ acquire: [], renew: [1], release: [], want: [0] });
  });
});
