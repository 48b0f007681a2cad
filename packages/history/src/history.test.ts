import { MemoryStore } from '@swarmscope/core';
import { History } from './history';
import { durableStore, restoreInto } from './durable-store';
import { agent, anomaly, emergence, incident, silent, tempDir, window } from './test-support/fixtures';

describe('History', () => {
  it('keeps every record kind across a close and a reopen of the same data directory', async () => {
    const dataDir = tempDir();
    const first = await History.open({ dataDir, logger: silent });
    await Promise.all([
      first.writeAgents([agent('a-1'), agent('a-2', 'billing')]),
      first.writeWindows([{ key: 'agent:a-1', window: window(60_000) }, { key: 'pool:support', window: window(60_000, 20) }]),
      first.writeAnomalies([anomaly('an-1', 61_000)]),
      first.writeEmergence([emergence('em-1', 62_000)]),
      first.writeIncidents([incident('in-1'), incident('in-2', 'resolved')]),
      first.writeDecisions([{ time: 63_000, pool: 'support', decision: { action: 'scale_up', to: 5 } }]),
      first.writePolicies([{ pool: 'support', policy: { minReplicas: 7 } }]),
    ]);
    await first.close();

    const again = await History.open({ dataDir, logger: silent });
    expect((await again.agents()).map((a) => a.id)).toEqual(['a-1', 'a-2']);
    expect(await again.agents()).toContainEqual(agent('a-2', 'billing'));
    expect(await again.windows('pool:support', 0, 120_000)).toEqual([window(60_000, 20)]);
    expect(await again.anomalyEvents(0, 100_000)).toEqual([anomaly('an-1', 61_000)]);
    expect(await again.emergenceEvents(0, 100_000)).toEqual([emergence('em-1', 62_000)]);
    expect((await again.unresolvedIncidents()).map((i) => i.id)).toEqual(['in-1']);
    expect(await again.incident('in-2')).toEqual(incident('in-2', 'resolved'));
    expect(await again.select(`SELECT kind, "by" FROM incident_timeline WHERE incident_id = 'in-1' ORDER BY "at"`)).toEqual([
      { kind: 'opened', by: null },
      { kind: 'acknowledged', by: 'ana' },
    ]);
    expect(await again.decisions(10)).toEqual([{ action: 'scale_up', to: 5 }]);
    expect(await again.policies()).toEqual([{ pool: 'support', policy: { minReplicas: 7 } }]);
    await again.close();
  });

  it('replaces a record upserted twice (in one commit or two) and a window written again', async () => {
    let clock = 1;
    const history = await History.open({ dataDir: tempDir(), logger: silent, now: () => clock++ });
    await Promise.all([history.writeAgents([agent('a-1')]), history.writeAgents([{ ...agent('a-1'), status: 'degraded' }])]);
    await history.writeAgents([{ ...agent('a-1'), healthScore: 0.1 }]);
    expect(await history.agents()).toEqual([{ ...agent('a-1'), healthScore: 0.1 }]);
    await history.writeIncidents([incident('in-1')]);
    await history.writeIncidents([{ ...incident('in-1'), status: 'resolved', timeline: [{ at: 5, kind: 'resolved', detail: 'ok' }] }]);
    expect(await history.select('SELECT count(*)::INTEGER AS n FROM incident_timeline')).toEqual([{ n: 1 }]);
    await history.writeWindows([{ key: 'agent:a-1', window: window(0, 10) }]);
    await history.writeWindows([{ key: 'agent:a-1', window: window(0, 12) }]);
    expect(await history.windows('agent:a-1', 0, 0)).toEqual([window(0, 12)]);
    await history.close();
  });

  it('restores the registry and the open incidents into a fresh live store, and completes window ranges from disk', async () => {
    const dataDir = tempDir();
    const before = await History.open({ dataDir, logger: silent });
    const store = durableStore(new MemoryStore({ windowRetentionMs: 3_600_000 }), before);
    await store.agents.upsert([agent('a-1')]);
    await store.incidents.upsert([incident('in-1'), incident('in-2', 'resolved')]);
    await store.windows.append([0, 60_000, 120_000].map((start) => ({ key: 'agent:a-1', window: window(start) })));
    await store.close();

    const after = await History.open({ dataDir, logger: silent });
    const live = new MemoryStore({ windowRetentionMs: 3_600_000 });
    expect(await restoreInto(live, after)).toEqual({ agents: 1, incidents: 1 });
    const restored = durableStore(live, after);
    expect(await restored.agents.all()).toEqual([agent('a-1')]);
    expect((await restored.incidents.unresolved()).map((i) => i.id)).toEqual(['in-1']);
    await restored.windows.append([{ key: 'agent:a-1', window: window(180_000) }]);
    // The range spans the restart: minutes 0-2 come from disk, minute 3 from memory.
    expect((await restored.windows.range('agent:a-1', 0, 180_000)).map((w) => w.start)).toEqual([0, 60_000, 120_000, 180_000]);
    await restored.close();
  });
});
