import { History } from './history';
import { ScalingMirror } from './scaling-mirror';
import { silent, tempDir } from './test-support/fixtures';

interface Policy {
  pool: string;
  minReplicas: number;
}

/** An autoscaler's policy book and decision log as the mirror sees them: plain data that the test changes. */
function source() {
  const policies: Policy[] = [];
  const decisions: Array<{ id: string; pool: string; at: number; desired: number }> = [];
  return {
    policies,
    decisions,
    view: {
      policies: { all: () => policies },
      decisions: {
        query: (f: { since?: number; limit: number }) =>
          decisions
            .filter((d) => d.at >= (f.since ?? 0))
            .reverse()
            .slice(0, f.limit),
      },
    },
  };
}

describe('ScalingMirror', () => {
  it('writes changed policies and each decision once, and skips untouched defaults', async () => {
    const history = await History.open({ dataDir: tempDir(), logger: silent });
    const s = source();
    const mirror = new ScalingMirror(history, s.view, {
      logger: silent,
      isDefault: (p) => (p as Policy).minReplicas === 1,
    });
    s.policies.push({ pool: 'a', minReplicas: 1 }, { pool: 'b', minReplicas: 7 });
    s.decisions.push({ id: 'd1', pool: 'a', at: 100, desired: 2 }, { id: 'd2', pool: 'b', at: 100, desired: 3 });
    await mirror.sync();
    expect(await history.policies()).toEqual([{ pool: 'b', policy: { pool: 'b', minReplicas: 7 } }]);
    s.decisions.push({ id: 'd3', pool: 'a', at: 100, desired: 4 }, { id: 'd4', pool: 'a', at: 200, desired: 5 });
    s.policies[1]!.minReplicas = 1;
    await mirror.sync();
    await mirror.sync();
    expect(((await history.decisions(10)) as Array<{ id: string }>).map((d) => d.id).sort()).toEqual([
      'd1',
      'd2',
      'd3',
      'd4',
    ]);
    // b went back to the default after a change: that is history too.
    expect(await history.policies()).toEqual([{ pool: 'b', policy: { pool: 'b', minReplicas: 1 } }]);
    await history.close();
  });

  it('does not write again a policy restored from disk', async () => {
    const history = await History.open({ dataDir: tempDir(), logger: silent });
    const s = source();
    const mirror = new ScalingMirror(history, s.view, { logger: silent, isDefault: () => false });
    s.policies.push({ pool: 'a', minReplicas: 7 });
    mirror.remember([{ pool: 'a', policy: { pool: 'a', minReplicas: 7 } }]);
    await mirror.sync();
    expect(history.rowsWritten.get('policies')).toBeUndefined();
    await history.close();
  });
});
