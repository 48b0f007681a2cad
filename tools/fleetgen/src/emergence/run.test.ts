import { neighbourLists } from './fleet';
import { EmergenceFleetRun } from './run';

/** Everything a run sends, in 10-s slices. */
function drain(run: EmergenceFleetRun): ReturnType<EmergenceFleetRun['next']> {
  const out: ReturnType<EmergenceFleetRun['next']> = { reports: [], interactions: [] };
  for (let at = run.startMs + 10_000; !run.done; at += 10_000) {
    const slice = run.next(at);
    out.reports.push(...slice.reports);
    out.interactions.push(...slice.interactions);
  }
  return out;
}

describe('the emergence fleet generator', () => {
  it('makes the same fleet for the same seed and another for another seed', () => {
    const a = new EmergenceFleetRun({ scenario: 'cascade', seed: 3, agents: 120 });
    const b = new EmergenceFleetRun({ scenario: 'cascade', seed: 3, agents: 120 });
    const c = new EmergenceFleetRun({ scenario: 'cascade', seed: 4, agents: 120 });
    expect(a.next(a.startMs + 120_000)).toEqual(b.next(b.startMs + 120_000));
    expect(a.truth).toEqual(b.truth);
    expect(c.truth).not.toEqual(a.truth);
  });

  it('plants a cascade that travels along the graph, each hop 15–45 s after the one before', () => {
    const run = new EmergenceFleetRun({ scenario: 'cascade', seed: 5 });
    const [truth] = run.truth;
    const neighbours = neighbourLists(run.layout);
    const index = new Map(run.layout.agents.map((a) => [a.id, a.index]));
    expect(truth!.kind).toBe('cascade');
    expect(truth!.agents.length).toBeGreaterThanOrEqual(10);
    const at = new Map(truth!.path!.map((s) => [s.agent, s.atMs]));
    for (const step of truth!.path!.slice(1)) {
      expect(step.via).not.toBeNull();
      expect(neighbours[index.get(step.agent)!]).toContain(index.get(step.via!));
      expect(step.atMs - at.get(step.via!)!).toBeGreaterThanOrEqual(15_000);
    }
  });

  it('reports at each agent’s own pace, off any tick grid, and a silent pool sends nothing once its load test ends', () => {
    const run = new EmergenceFleetRun({ scenario: 'null', seed: 2, agents: 150 });
    const { reports } = drain(run);
    expect(run.truth).toEqual([]);
    const offsets = new Set(reports.slice(0, 500).map((r) => (r.timestamp - run.startMs) % 10_000));
    expect(offsets.size).toBeGreaterThan(100);
    const smallest = [...new Set(run.layout.agents.map((a) => a.pool))].sort(
      (x, y) =>
        run.layout.agents.filter((a) => a.pool === x).length - run.layout.agents.filter((a) => a.pool === y).length,
    )[0]!;
    const last = Math.max(...reports.filter((r) => r.pool === smallest).map((r) => r.timestamp));
    expect(last - run.startMs).toBeLessThan(0.75 * run.durationMs);
    expect(Math.max(...reports.map((r) => r.timestamp)) - run.startMs).toBeGreaterThan(0.95 * run.durationMs);
  });

  it('makes a synchronised group oscillate in phase at a period of 35–160 s', () => {
    const run = new EmergenceFleetRun({ scenario: 'synchronisation', seed: 1, agents: 200 });
    const [truth] = run.truth;
    const { reports } = drain(run);
    const members = new Set(truth!.agents);
    const omega = (2 * Math.PI) / (1000 * truth!.periodSeconds!);
    // The projection of each agent's log latency (or load) on the group's rhythm after onset: members share its sign.
    const projection = (id: string) => {
      let sum = 0;
      for (const r of reports) {
        if (r.agentId !== id || r.timestamp < truth!.onsetMs || r.timestamp >= truth!.endMs) continue;
        const value = truth!.on === 'latency' ? Math.log(r.metrics.response_time_seconds ?? 1) : r.metrics.requests;
        sum += value * Math.sin(omega * (r.timestamp - truth!.onsetMs));
      }
      return sum;
    };
    const memberSigns = [...members].map((id) => Math.sign(projection(id)));
    const majority = Math.sign(memberSigns.reduce((a, b) => a + b, 0));
    expect(memberSigns.filter((s) => s === majority).length).toBeGreaterThanOrEqual(0.8 * members.size);
    expect(truth!.periodSeconds).toBeGreaterThanOrEqual(35);
    expect(truth!.periodSeconds).toBeLessThanOrEqual(160);
  });
});
