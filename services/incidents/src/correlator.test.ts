import type { AnomalyEvent, EmergenceEvent, Incident, IncidentChange } from '@swarmscope/core';
import { Correlator, DEFAULT_CORRELATOR_OPTIONS } from './correlator';

const T0 = Date.UTC(2026, 0, 5, 6);
const s = (seconds: number) => T0 + seconds * 1000;

function anomaly(agentId: string, atSeconds: number, over: Partial<AnomalyEvent> = {}): AnomalyEvent {
  return {
    id: `${agentId}:${s(atSeconds)}:1`,
    event: 'opened',
    time: s(atSeconds),
    startedAt: s(atSeconds),
    agentId,
    model: 'gpt-4o',
    pool: 'support',
    type: 'latency_spike',
    severity: 'high',
    score: 0.9,
    confidence: 0.8,
    detectors: ['latency_slo'],
    features: ['response_time_seconds'],
    evidence: { value: 6.1, baseline: 0.9 },
    explanation: 'free text the incident does not copy',
    ...over,
  };
}

const resolved = (event: AnomalyEvent, atSeconds: number): AnomalyEvent => ({
  ...event,
  event: 'resolved',
  time: s(atSeconds),
  endedAt: s(atSeconds),
});

function emergence(
  type: EmergenceEvent['type'],
  agents: string[],
  atSeconds: number,
  over: Partial<EmergenceEvent> = {},
): EmergenceEvent {
  return {
    id: `${type}:${s(atSeconds)}`,
    event: 'opened',
    type,
    time: s(atSeconds),
    startedAt: s(atSeconds),
    scope: 'coding',
    magnitude: 0.9,
    confidence: 0.9,
    agents,
    communities: [0],
    window: { from: s(atSeconds - 60), to: s(atSeconds) },
    evidence: { agents: agents.length, depth: 2 },
    explanation: 'prose',
    ...over,
  };
}

/** Runs advance() every 5 s of data time from `from` to `to` seconds and collects the changes. */
function run(c: Correlator, from: number, to: number): IncidentChange[] {
  const out: IncidentChange[] = [];
  for (let t = from; t <= to; t += 5) out.push(...c.advance(s(t)));
  return out;
}

function jaccard(a: readonly string[], b: readonly string[]): number {
  const shared = a.filter((x) => b.includes(x)).length;
  return shared / (a.length + b.length - shared);
}

const opened = (changes: IncidentChange[]) => changes.filter((c) => c.change === 'opened').map((c) => c.incident);

describe('Correlator', () => {
  it('waits the group wait, then opens one incident for one agent and resolves it once quiet', () => {
    const c = new Correlator();
    const a = anomaly('a-1', 0);
    c.onAnomaly(a);
    expect(c.advance(s(10))).toEqual([]);
    expect(c.pendingCount).toBe(1);
    const changes = c.advance(s(30));
    expect(changes.map((x) => x.change)).toEqual(['opened']);
    const incident = changes[0]!.incident;
    expect(incident).toMatchObject({
      status: 'open',
      severity: 'high',
      agents: ['a-1'],
      agentCount: 1,
      anomalyCount: 1,
      activeAnomalies: 1,
      pools: ['support'],
      models: ['gpt-4o'],
    });
    expect(incident.title).toBe('latency spike on agent a-1 (pool support, gpt-4o)');
    expect(incident.timeline[0]).toMatchObject({ kind: 'opened', at: s(30) });

    c.onAnomaly(resolved(a, 120));
    // The quiet period runs from the end of the last event: nothing at +4 min, resolved at +5 min.
    expect(run(c, 125, 415).map((x) => x.change)).toEqual(['updated']);
    const end = c.advance(s(420));
    expect(end.map((x) => [x.change, x.incident.status, x.incident.resolution])).toEqual([
      ['resolved', 'resolved', 'auto'],
    ]);
    expect(c.activeCount).toBe(0);
    // A late duplicate of the resolved anomaly opens nothing.
    c.onAnomaly(resolved(a, 121));
    expect(run(c, 425, 500)).toEqual([]);
  });

  it("reopens an incident that resolved by itself when its agent's trouble comes back soon, not later", () => {
    const c = new Correlator({ reopenMs: 1_800_000 });
    const first = anomaly('a-1', 0, { type: 'model_drift' });
    c.onAnomaly(first);
    run(c, 0, 60);
    c.onAnomaly(resolved(first, 100));
    const [incident] = c.list();
    const closed = run(c, 65, 420).find((x) => x.change === 'resolved')!;
    expect(closed.incident.id).toBe(incident!.id);
    c.onAnomaly(anomaly('a-1', 1000, { id: 'a-1:second', type: 'model_drift' }));
    const again = c.advance(s(1005));
    expect(again.map((x) => [x.change, x.incident.id, x.incident.status, x.incident.anomalyCount])).toEqual([
      ['reopened', incident!.id, 'open', 2],
    ]);
    expect(again[0]!.incident.timeline.map((e) => e.kind)).toEqual(['opened', 'resolved', 'reopened']);
    c.onAnomaly(resolved(anomaly('a-1', 1000, { id: 'a-1:second' }), 1100));
    run(c, 1010, 1500);
    expect(c.activeCount).toBe(0);
    // Past the reopen window: a new incident.
    c.onAnomaly(anomaly('a-1', 4000, { id: 'a-1:third' }));
    expect(opened(run(c, 4000, 4040)).map((i) => i.id)).not.toContain(incident!.id);
  });

  it('keeps a flapping agent in one incident and gives independent agents their own', () => {
    const c = new Correlator();
    const first = anomaly('a-1', 0);
    c.onAnomaly(first);
    c.onAnomaly(anomaly('b-1', 10, { pool: 'coding', model: 'claude-sonnet-4' }));
    run(c, 0, 60);
    c.onAnomaly(resolved(first, 70));
    c.onAnomaly(anomaly('a-1', 100, { id: 'a-1:again', type: 'error_surge' }));
    const changes = run(c, 65, 200);
    expect(opened(changes)).toEqual([]);
    const incidents = c.list();
    expect(incidents).toHaveLength(2);
    const a = incidents.find((i) => i.agents.includes('a-1'))!;
    expect(a.anomalyCount).toBe(2);
    expect(a.reasons).toContain('same agent');
    expect(incidents.find((i) => i.agents.includes('b-1'))!.anomalyCount).toBe(1);
  });

  it('makes one incident of a burst of one anomaly type on one model, not one per agent', () => {
    const c = new Correlator();
    const pools = ['support', 'coding', 'research'];
    for (let i = 0; i < 12; i++) c.onAnomaly(anomaly(`s-${i}`, i * 4, { pool: pools[i % 3]! }));
    const changes = run(c, 0, 120);
    expect(opened(changes)).toHaveLength(1);
    const [incident] = c.list();
    expect(incident!.agentCount).toBe(12);
    expect(incident!.severity).toBe('critical'); // high, raised for ten agents or more
    expect(
      incident!.reasons.some((r) => r.includes('agents on model gpt-4o with latency spike onsets within 1 min')),
    ).toBe(true);
    expect(incident!.title).toBe('latency spike across 12 agents of pools coding, research, support');
  });

  it('keeps two unrelated faults in one pool within 60 s apart: one incident each, naming its agents', () => {
    const c = new Correlator();
    // Fault A: four agents on gpt-4o slow down. Fault B, 20 s later, same pool: three agents on llama fail. Only
    // the pool and the time are shared.
    const faultA = ['a-1', 'a-2', 'a-3', 'a-4'];
    const faultB = ['b-1', 'b-2', 'b-3'];
    faultA.forEach((agent, i) => c.onAnomaly(anomaly(agent, i * 5)));
    faultB.forEach((agent, i) =>
      c.onAnomaly(
        anomaly(agent, 20 + i * 5, { model: 'llama-3.1-8b', type: 'error_surge', detectors: ['error_rate'] }),
      ),
    );
    run(c, 0, 200);
    const incidents = c.list();
    expect(incidents).toHaveLength(2);
    const best = (fault: string[]) => Math.max(...incidents.map((i) => jaccard(i.agents, fault)));
    expect(best(faultA)).toBeGreaterThanOrEqual(0.8);
    expect(best(faultB)).toBeGreaterThanOrEqual(0.8);
    expect(incidents.map((i) => i.agents.sort())).toEqual(expect.arrayContaining([faultA, faultB]));
    for (const i of incidents) expect(i.reasons.join(' ')).not.toMatch(/pool/);
  });

  it('makes one incident of a cascade along interaction edges, across models and types, and leaves a stranger of the pool out', () => {
    const c = new Correlator();
    const chain = ['db-proxy', 'planner', 'coder', 'reviewer', 'tester', 'reporter'];
    const models = ['gpt-4o', 'claude-sonnet-4', 'llama-3.1-8b'];
    for (let i = 1; i < chain.length; i++)
      c.onInteraction({
        from: chain[i]!,
        to: chain[i - 1]!,
        kind: 'delegation',
        outcome: 'error',
        latencySeconds: 1,
        timestamp: s(0),
      });
    // Each agent fails 20-40 s after the one it hands work to: 150 s from first to last.
    const lags = [0, 25, 55, 90, 115, 150];
    chain.forEach((agent, i) =>
      c.onAnomaly(
        anomaly(agent, lags[i]!, {
          pool: 'coding',
          model: models[i % 3]!,
          type: i % 2 ? 'error_surge' : 'latency_spike',
        }),
      ),
    );
    c.onAnomaly(anomaly('bystander', 60, { pool: 'coding', model: 'gpt-4o', type: 'latency_spike' }));
    run(c, 0, 300);
    const incidents = c.list();
    const cascade = incidents.find((i) => i.agents.includes('db-proxy'))!;
    expect(cascade.agents.sort()).toEqual([...chain].sort());
    expect(cascade.reasons.some((r) => r.startsWith('interaction-graph neighbours'))).toBe(true);
    expect(incidents.find((i) => i.agents.includes('bystander'))!.agents).toEqual(['bystander']);
    expect(incidents).toHaveLength(2);
  });

  it('lists an early warning as an advisory: it opens no incident and no later anomaly of its pool joins it', () => {
    const c = new Correlator();
    const pool = Array.from({ length: 98 }, (_, i) => `r-${i}`);
    const warning = emergence('early_warning', pool, 0, { scope: 'research', magnitude: 0.7 });
    c.onEmergence(warning);
    expect(c.advance(s(1))).toEqual([]);
    expect(c.activeAdvisories).toBe(1);
    // An unrelated fault of one agent of that pool, then another of another agent minutes later.
    c.onAnomaly(anomaly('r-12', 60, { pool: 'research', type: 'memory_leak' }));
    c.onAnomaly(anomaly('r-40', 400, { pool: 'research', model: 'llama-3.1-8b', type: 'error_surge' }));
    run(c, 5, 500);
    const incidents = c.list();
    expect(incidents.map((i) => [i.agents, i.emergence.length])).toEqual([
      [['r-40'], 0],
      [['r-12'], 0],
    ]);
    const [advisory] = c.advisories();
    expect(advisory).toMatchObject({
      id: warning.id,
      type: 'early_warning',
      status: 'active',
      scope: 'research',
      agentCount: 98,
    });
    expect(advisory!.followedBy).toBeUndefined();
    // The transition it warned of comes: recorded on the advisory (its track record); the warning then ends.
    c.onEmergence(emergence('phase_transition', pool.slice(0, 60), 600, { scope: 'research' }));
    c.onEmergence({ ...warning, event: 'closed', time: s(610), endedAt: s(610) });
    expect(c.advisories({ status: 'ended' })).toEqual([
      expect.objectContaining({
        id: warning.id,
        endedAt: s(610),
        followedBy: { id: `phase_transition:${s(600)}`, type: 'phase_transition', at: s(600) },
      }),
    ]);
    expect(c.advisories({ status: 'active' })).toEqual([]);
    expect(c.activeAdvisories).toBe(0);
  });

  it('lets go of the agents an emergence event named once it ended: their later trouble is new', () => {
    const c = new Correlator();
    const named = Array.from({ length: 10 }, (_, i) => `r-${i}`);
    const transition = emergence('phase_transition', named, 0, { scope: 'research' });
    c.onEmergence(transition);
    // While it lasts, trouble of a named agent is explained by it.
    c.onAnomaly(anomaly('r-1', 20, { pool: 'research' }));
    run(c, 0, 60);
    expect(c.list()).toHaveLength(1);
    expect(c.list()[0]!.anomalyCount).toBe(1);
    c.onEmergence({ ...transition, event: 'closed', time: s(100), endedAt: s(100) });
    // The same transition seen again (type, scope, most of its agents) is the same incident.
    const again = emergence('phase_transition', named.slice(0, 8), 150, { scope: 'research', id: 'again' });
    c.onEmergence(again);
    expect(c.list().map((i) => i.emergence.map((e) => e.id))).toEqual([[transition.id, 'again']]);
    c.onEmergence({ ...again, event: 'closed', time: s(160), endedAt: s(160) });
    // The incident is still open (its quiet period runs), but r-3's trouble at 200 s is not its evidence.
    c.onAnomaly(anomaly('r-3', 200, { pool: 'research', type: 'memory_leak', model: 'llama-3.1-8b' }));
    run(c, 65, 260);
    const incidents = c.list();
    expect(incidents).toHaveLength(2);
    expect(incidents.find((i) => i.emergence.length === 0)!.agents).toEqual(['r-3']);
  });

  it('keeps trouble that began while an ended event named its agent, reported late after a hold, with the event', () => {
    const c = new Correlator();
    const named = Array.from({ length: 10 }, (_, i) => `r-${i}`);
    const transition = emergence('phase_transition', named, 0, { scope: 'research' });
    c.onEmergence(transition);
    c.onEmergence({ ...transition, event: 'closed', time: s(100), endedAt: s(100) });
    // Reported at 180 s after a 2-minute hold, with its onset (58 s) as startedAt: it began while the transition named r-2.
    c.onAnomaly(
      anomaly('r-2', 180, { pool: 'research', startedAt: s(58), evidence: { 'tail-shift.runSeconds': 122 } }),
    );
    // An episode opened at 110 s (after the transition ended) whose detector's run began at 30 s (150 s before its
    // report at 180 s): the trouble began while the transition named r-5.
    c.onAnomaly(
      anomaly('r-5', 180, { pool: 'research', startedAt: s(110), evidence: { 'tail-shift.runSeconds': 150 } }),
    );
    // Reported at 180 s, began at 150 s: after the transition ended, new trouble.
    c.onAnomaly(
      anomaly('r-4', 180, {
        pool: 'research',
        model: 'llama-3.1-8b',
        startedAt: s(150),
        evidence: { 'tail-shift.runSeconds': 30 },
      }),
    );
    run(c, 0, 260);
    const incidents = c.list();
    expect(incidents).toHaveLength(2);
    expect(
      incidents
        .find((i) => i.emergence.length > 0)!
        .anomalies.map((a) => a.agentId)
        .sort(),
    ).toEqual(['r-2', 'r-5']);
    expect(incidents.find((i) => i.emergence.length === 0)!.agents).toEqual(['r-4']);
  });

  it('makes 300 agents of two pools going silent within 10 s one stopped-reporting incident that leaves the incidents open before unchanged', () => {
    const c = new Correlator();
    const pools = {
      north: Array.from({ length: 150 }, (_, i) => `n-${i}`),
      south: Array.from({ length: 150 }, (_, i) => `s-${i}`),
    };
    // Four real problems, open before the stop: three single-agent faults and a cascade.
    c.onAnomaly(anomaly('n-3', 0, { pool: 'north', type: 'latency_spike' }));
    c.onAnomaly(
      anomaly('n-77', 100, {
        pool: 'north',
        type: 'memory_leak',
        model: 'llama-3.1-8b',
        severity: 'medium',
        risk: 'low',
      }),
    );
    c.onAnomaly(anomaly('s-9', 200, { pool: 'south', type: 'request_rate', model: 'claude-sonnet-4', risk: 'high' }));
    c.onAnomaly(anomaly('s-20', 300, { pool: 'south', type: 'error_surge', model: 'gpt-4o-mini' }));
    c.onEmergence(
      emergence('cascade_failure', ['s-20', 's-21', 's-22'], 320, {
        scope: 'south',
        window: { from: s(290), to: s(320) },
      }),
    );
    // And a fifth, of an emergence event alone: agents of north in lockstep.
    c.onEmergence(
      emergence('collective_behavior', ['n-100', 'n-101', 'n-102', 'n-103', 'n-104'], 400, {
        scope: 'synchrony:north',
        magnitude: 0.6,
      }),
    );
    run(c, 0, 600);
    const before = c.list();
    expect(before).toHaveLength(5);
    const shape = (i: Incident) => ({
      id: i.id,
      status: i.status,
      severity: i.severity,
      risk: i.risk,
      title: i.title,
      agents: i.agents,
      agentCount: i.agentCount,
      anomalies: i.anomalies.map((a) => a.id),
      emergence: i.emergence.map((e) => e.id),
    });
    const synchrony = before.find((i) => i.emergence.some((e) => e.type === 'collective_behavior'))!;

    // The load test ends at 1000 s: every agent's last report lies within 10 s; the detector notices each one
    // 30-40 s later; the emergence detector sees a fleet-wide "phase transition" first; north's pool-level anomaly too.
    // (It names 299 of the stopped agents and one that kept reporting.)
    c.onEmergence(
      emergence('phase_transition', [...[...pools.north, ...pools.south].slice(1), 'observer'], 1020, {
        scope: 'fleet',
        window: { from: s(900), to: s(1020) },
      }),
    );
    const all = [...pools.north, ...pools.south];
    all.forEach((agent, i) => {
      const last = 1000 + (i % 10);
      const noticed = last + 30 + (i % 11);
      c.onAnomaly(
        anomaly(agent, noticed, {
          id: `${agent}:silent`,
          pool: agent.startsWith('n') ? 'north' : 'south',
          type: 'silent',
          detectors: ['silence'],
          features: [],
          risk: 'low',
          evidence: { silentMs: (noticed - last) * 1000, usualGapMs: 2000, lastReportAt: s(last) },
        }),
      );
    });
    c.onAnomaly(
      anomaly('pool:north', 1045, {
        id: 'north:stopped',
        pool: 'north',
        type: 'stopped_reporting',
        detectors: ['silence'],
        features: [],
        evidence: { agents: 150 },
      }),
    );
    const changes = run(c, 605, 1095);
    // The synchronisation event, updated after the stop, names every quiet agent (silence looks like lockstep).
    c.onEmergence(
      emergence('collective_behavior', pools.north.slice(0, 140), 400, {
        scope: 'synchrony:north',
        magnitude: 0.6,
        event: 'updated',
        time: s(1100),
      }),
    );
    changes.push(...run(c, 1100, 1200));
    const after = c.list();
    expect(after).toHaveLength(6);
    const stop = after.find((i) => !before.some((b) => b.id === i.id))!;
    expect(stop).toMatchObject({
      title: 'stopped reporting: 300 agents of pools north, south',
      agentCount: 300,
      severity: 'high',
      pools: ['north', 'south'],
    });
    expect(stop.anomalyCount).toBe(301);
    expect(stop.emergence.map((e) => e.type)).toEqual(['phase_transition']);
    // Those open before: not merged, not rewritten; no change at all but the synchronisation's own event update.
    const ids = new Set(before.map((i) => i.id));
    expect(changes.filter((x) => ids.has(x.incident.id)).map((x) => [x.incident.id, x.change])).toEqual([
      [synchrony.id, 'updated'],
    ]);
    expect(after.filter((i) => ids.has(i.id)).map(shape)).toEqual(before.map(shape));
    // The phase-transition incident opened a moment before the stop was known is part of the stop (merged, kept as it was).
    const early = changes.filter((x) => x.incident.resolution === 'merged').map((x) => x.incident);
    expect(early.map((i) => [i.mergedInto, i.emergence.map((e) => e.type), i.agentCount])).toEqual([
      [stop.id, ['phase_transition'], 300],
    ]);
    // The stop names the agents that went silent, not the one that kept reporting; the agents are nobody's to hold.
    expect(stop.agents).not.toContain('observer');
    c.onAnomaly(anomaly('observer', 1300, { pool: 'north', type: 'error_surge', model: 'llama-3.1-8b' }));
    c.onAnomaly(
      anomaly('n-5', 1300, { id: 'n-5:back', pool: 'north', type: 'latency_spike', model: 'claude-sonnet-4' }),
    );
    run(c, 1205, 1340);
    expect(c.get(stop.id)!.anomalyCount).toBe(301);
    expect(
      c
        .list()
        .filter((i) => i.agents.includes('observer') || i.agents.includes('n-5'))
        .map((i) => i.agents),
    ).toEqual(expect.arrayContaining([['observer'], ['n-5']]));
    expect(new Set(opened(changes).map((i) => i.id))).toEqual(new Set([stop.id, early[0]!.id]));
  });

  it('opens a stopped-reporting incident for a pool-level anomaly alone, and joins silent agents of that moment to it', () => {
    const c = new Correlator();
    c.onAnomaly(
      anomaly('pool:billing', 60, {
        id: 'billing:stopped',
        pool: 'billing',
        type: 'stopped_reporting',
        evidence: { agents: 40 },
      }),
    );
    c.onAnomaly(anomaly('b-1', 70, { pool: 'billing', type: 'silent', evidence: { lastReportAt: s(20) } }));
    run(c, 0, 100);
    // The pool's regime "shift" seen by the emergence detector, naming no agent, is the stop seen from afar.
    c.onEmergence(emergence('phase_transition', [], 100, { scope: 'billing' }));
    run(c, 105, 150);
    // So is one naming the pool's only agent still reporting (one agent, against the one the stop silenced).
    c.onEmergence(emergence('phase_transition', ['b-survivor'], 110, { scope: 'billing', id: 'survivor-shift' }));
    // A shift of another pool is not the stop's.
    c.onEmergence(emergence('phase_transition', ['t-1', 't-2'], 110, { scope: 'triage', id: 'triage-shift' }));
    const stop = c.list().find((i) => i.anomalyCount > 0)!;
    expect(
      c
        .list()
        .map((i) => i.emergence.map((e) => e.id))
        .sort(),
    ).toEqual([[`phase_transition:${s(100)}`, 'survivor-shift'], ['triage-shift']]);
    expect(stop).toMatchObject({
      title: 'stopped reporting: 40 agents of pool billing',
      agents: ['b-1'],
      agentCount: 40,
      anomalyCount: 2,
    });
    c.onEmergence({
      ...emergence('phase_transition', ['t-1', 't-2'], 110, { scope: 'triage', id: 'triage-shift' }),
      event: 'closed',
      time: s(150),
      endedAt: s(150),
    });
    run(c, 150, 460);
    // After a restart the stop is taken back as one: an agent of that moment still joins it.
    const restored = new Correlator();
    restored.restore(c.list());
    restored.onAnomaly(anomaly('b-9', 75, { pool: 'billing', type: 'silent', evidence: { lastReportAt: s(25) } }));
    run(restored, 460, 500);
    expect(restored.list().map((i) => [i.id, i.agents])).toEqual([[stop.id, ['b-1', 'b-9']]]);
    // A lone agent going silent much later is that agent's own trouble.
    c.onAnomaly(anomaly('b-2', 900, { pool: 'billing', type: 'silent', evidence: { lastReportAt: s(860) } }));
    run(c, 465, 960);
    expect(c.list().map((i) => i.title)).toContain('silent on agent b-2 (pool billing, gpt-4o)');
  });

  it('carries the highest risk of its anomalies (none given: low)', () => {
    const c = new Correlator();
    c.onAnomaly(anomaly('a-1', 0));
    c.onAnomaly(anomaly('b-1', 0, { pool: 'coding', model: 'llama-3.1-8b', type: 'request_rate' }));
    run(c, 0, 40);
    expect(c.list().map((i) => i.risk)).toEqual(['low', 'low']);
    c.onAnomaly(
      anomaly('b-1', 50, { id: 'b-1:scan', type: 'scan', risk: 'high', pool: 'coding', model: 'llama-3.1-8b' }),
    );
    c.onAnomaly(anomaly('a-1', 50, { id: 'a-1:exfil', type: 'token_spike', risk: 'medium' }));
    expect(Object.fromEntries(c.list().map((i) => [i.agents[0], i.risk]))).toEqual({ 'a-1': 'medium', 'b-1': 'high' });
  });

  it('does not merge two agents of one pool whose faults start minutes apart, nor a burst below the minimum', () => {
    const c = new Correlator();
    c.onAnomaly(anomaly('a-1', 0));
    c.onAnomaly(anomaly('a-2', 20, { model: 'llama-3.1-8b' }));
    c.onAnomaly(anomaly('a-3', 600, { model: 'gpt-4o-mini' }));
    run(c, 0, 700);
    expect(c.list().map((i) => i.agents)).toEqual([['a-3'], ['a-2'], ['a-1']]);
  });

  it('does not count an agent in trouble for long as a new onset of a burst', () => {
    const c = new Correlator();
    // a-1 has been in an incident for ten minutes; its new anomaly and two independent faults start within a minute.
    c.onAnomaly(anomaly('a-1', 0, { type: 'silent' }));
    run(c, 0, 600);
    c.onAnomaly(anomaly('a-1', 600, { id: 'a-1:back', type: 'request_rate' }));
    c.onAnomaly(anomaly('a-2', 610, { type: 'model_drift', model: 'llama-3.1-8b' }));
    c.onAnomaly(anomaly('a-3', 640, { type: 'memory_leak', model: 'gpt-4o-mini' }));
    run(c, 605, 700);
    expect(c.list().map((i) => i.agents)).toEqual([['a-3'], ['a-2'], ['a-1']]);
  });

  it('groups a burst across pools that share one model (a provider problem)', () => {
    const c = new Correlator();
    const pools = ['support', 'coding', 'research', 'triage'];
    pools.forEach((pool, i) =>
      c.onAnomaly(anomaly(`${pool}-1`, i * 5, { pool, model: 'claude-sonnet-4', type: 'error_surge' })),
    );
    run(c, 0, 90);
    const [incident, ...others] = c.list();
    expect(others).toEqual([]);
    expect(incident!.pools).toEqual(['coding', 'research', 'support', 'triage']);
    expect(incident!.models).toEqual(['claude-sonnet-4']);
  });

  it('joins graph neighbours whose onsets are close, and only those', () => {
    const c = new Correlator();
    c.onInteraction({
      from: 'caller',
      to: 'callee',
      kind: 'delegation',
      outcome: 'success',
      latencySeconds: 0.2,
      timestamp: s(0),
    });
    c.onAnomaly(anomaly('callee', 10, { pool: 'coding' }));
    c.onAnomaly(anomaly('caller', 100, { pool: 'support', model: 'llama-3.1-8b' }));
    c.onAnomaly(anomaly('stranger', 100, { pool: 'triage', model: 'gpt-4o-mini' }));
    // A neighbour whose trouble starts minutes later is another problem.
    c.onInteraction({
      from: 'late',
      to: 'callee',
      kind: 'message',
      outcome: 'success',
      latencySeconds: 0.1,
      timestamp: s(0),
    });
    c.onAnomaly(anomaly('late', 400, { pool: 'research', model: 'claude-sonnet-4' }));
    run(c, 0, 500);
    const incidents = c.list();
    expect(incidents).toHaveLength(3);
    const pair = incidents.find((i) => i.agents.includes('callee'))!;
    expect(pair.agents).toEqual(['callee', 'caller']);
    expect(pair.reasons.some((r) => r.startsWith('interaction-graph neighbours'))).toBe(true);
  });

  it('forgets interactions older than the graph window', () => {
    const c = new Correlator({ graphWindowMs: 60_000 });
    c.onInteraction({
      from: 'caller',
      to: 'callee',
      kind: 'delegation',
      outcome: 'success',
      latencySeconds: 0.2,
      timestamp: s(0),
    });
    run(c, 0, 300);
    c.onAnomaly(anomaly('callee', 300, { pool: 'coding' }));
    c.onAnomaly(anomaly('caller', 320, { pool: 'support', model: 'llama-3.1-8b' }));
    run(c, 300, 400);
    expect(c.list()).toHaveLength(2);
  });

  it('puts one emergence event and the anomalies it explains into one incident, merging those opened before it', () => {
    const c = new Correlator();
    // Three agents of a cascade open anomalies minutes apart (no burst); the cascade event names them and two more.
    c.onAnomaly(anomaly('hub', 0, { pool: 'coding', type: 'error_surge' }));
    run(c, 0, 40);
    c.onAnomaly(anomaly('up-1', 200, { pool: 'coding', model: 'claude-sonnet-4', type: 'error_surge' }));
    run(c, 45, 240);
    expect(c.list()).toHaveLength(2);
    c.onAnomaly(anomaly('up-2', 400, { pool: 'coding', model: 'llama-3.1-8b', type: 'error_surge' }));
    // Its spread reaches back to the hub's failure: the cascade explains the incidents that began with it.
    const path = [
      { agent: 'hub', via: null, at: s(0), depth: 0 },
      { agent: 'up-1', via: 'hub', at: s(200), depth: 1 },
      { agent: 'up-2', via: 'up-1', at: s(400), depth: 2 },
      { agent: 'up-3', via: 'up-1', at: s(405), depth: 2 },
    ];
    c.onEmergence(emergence('cascade_failure', ['hub', 'up-1', 'up-2', 'up-3'], 410, { path }));
    const changes = run(c, 245, 500);
    const incidents = c.list();
    expect(incidents).toHaveLength(1);
    const incident = incidents[0]!;
    expect(incident.emergence.map((e) => e.type)).toEqual(['cascade_failure']);
    expect(incident.agents.sort()).toEqual(['hub', 'up-1', 'up-2', 'up-3']);
    expect(incident.anomalyCount).toBe(3);
    expect(incident.title).toBe('cascade failure across 4 agents of pool coding');
    expect(incident.severity).toBe('critical');
    const merged = changes.filter((x) => x.incident.resolution === 'merged');
    expect(merged).toHaveLength(1);
    expect(merged[0]!.incident.mergedInto).toBe(incident.id);
    // Merged, it keeps what it was: its agent, its anomaly, its severity and title.
    expect(merged[0]!.incident).toMatchObject({
      agents: ['up-1'],
      anomalyCount: 1,
      severity: 'high',
      title: 'error surge on agent up-1 (pool coding, claude-sonnet-4)',
    });
    expect(incident.timeline.some((e) => e.kind === 'merged')).toBe(true);
    // A later anomaly of a named agent joins at once, explained by the cascade.
    c.onAnomaly(anomaly('up-3', 510, { pool: 'coding', type: 'latency_spike' }));
    expect(c.get(incident.id)!.anomalyCount).toBe(4);
  });

  it('keeps an emergence event apart from an incident it shares only a few agents with by chance', () => {
    const c = new Correlator();
    const pool = Array.from({ length: 40 }, (_, i) => `r-${i}`);
    c.onEmergence(emergence('phase_transition', pool, 0, { scope: 'research' }));
    c.onAnomaly(anomaly('c-1', 0, { pool: 'coding', type: 'error_surge' }));
    run(c, 0, 40);
    c.onEmergence(emergence('cascade_failure', ['c-1', 'c-2', 'c-3', 'c-4', 'c-5', 'r-7'], 60));
    run(c, 45, 80);
    const incidents = c.list();
    expect(incidents.map((i) => i.emergence.map((e) => e.type))).toEqual([['cascade_failure'], ['phase_transition']]);
    // The cascade took the single-agent incident of one of its agents; r-7 stays with the phase transition.
    expect(incidents[0]!.anomalyCount).toBe(1);
    expect(incidents[0]!.agentCount).toBe(6);
    c.onAnomaly(anomaly('r-7', 90, { pool: 'research' }));
    expect(c.list()[1]!.anomalyCount).toBe(1);
  });

  it('opens an incident for a failure emergence event alone, but not for collective learning alone', () => {
    const c = new Correlator();
    c.onEmergence(emergence('collective_learning', ['x', 'y'], 0, { scope: 'triage' }));
    c.onEmergence(emergence('phase_transition', ['r-1', 'r-2', 'r-3'], 0, { scope: 'research' }));
    const changes = c.advance(s(1));
    expect(opened(changes).map((i) => [i.title, i.severity])).toEqual([
      ['phase transition across 3 agents of pool research', 'high'],
    ]);
    // The emergence event closes; the incident resolves once quiet.
    c.onEmergence({
      ...emergence('phase_transition', ['r-1', 'r-2', 'r-3'], 0, { scope: 'research' }),
      event: 'closed',
      time: s(100),
      endedAt: s(100),
    });
    const later = run(c, 5, 400);
    expect(later.find((x) => x.change === 'resolved')?.incident.resolution).toBe('auto');
  });

  it('acknowledges and resolves by hand with a timeline, refusing what it cannot do', () => {
    const c = new Correlator();
    c.onAnomaly(anomaly('a-1', 0));
    const [{ incident }] = c.advance(s(30)) as [IncidentChange];
    const ack = c.acknowledge(incident.id, s(40), 'alice');
    expect('change' in ack && ack.change).toMatchObject({
      change: 'acknowledged',
      incident: { status: 'acknowledged', acknowledgedAt: s(40) },
    });
    expect(c.acknowledge(incident.id, s(41), 'bob')).toEqual({ refused: 'acknowledged' });
    const done = c.resolve(incident.id, s(50), 'alice', 'rolled back');
    expect('change' in done && done.change.incident).toMatchObject({
      status: 'resolved',
      resolution: 'manual',
      resolvedAt: s(50),
    });
    expect('change' in done && done.change.incident.timeline.map((e) => [e.kind, e.by ?? null])).toEqual([
      ['opened', null],
      ['acknowledged', 'alice'],
      ['resolved', 'alice'],
    ]);
    expect(c.resolve(incident.id, s(51), 'bob')).toEqual({ refused: 'resolved' });
    expect(c.acknowledge('inc-nope', s(51), 'bob')).toEqual({ refused: 'unknown' });
    // Later events of its anomaly are the resolved incident's, not new trouble.
    c.onAnomaly({ ...anomaly('a-1', 0), event: 'updated', time: s(60), severity: 'critical' });
    expect(run(c, 55, 120)).toEqual([]);
  });

  it('escalates severity with the timeline saying so, and restores unresolved incidents', () => {
    const c = new Correlator();
    const a = anomaly('a-1', 0, { severity: 'medium' });
    c.onAnomaly(a);
    c.advance(s(30));
    c.onAnomaly({ ...a, event: 'updated', time: s(40), severity: 'critical', score: 0.99 });
    const [change] = c.advance(s(45));
    expect(change!.incident.severity).toBe('critical');

    const restored = new Correlator();
    restored.restore(c.list());
    restored.onAnomaly(resolved(a, 60));
    const changes = run(restored, 60, 400);
    expect(changes.at(-1)!.incident).toMatchObject({ id: change!.incident.id, status: 'resolved', resolution: 'auto' });
  });

  it('names its narrative through the narrate function, once per change', () => {
    let calls = 0;
    const c = new Correlator(DEFAULT_CORRELATOR_OPTIONS, (incident) => ({
      ...incident.narrative,
      template: 'test',
      revision: incident.revision,
      what: `call ${++calls}`,
    }));
    c.onAnomaly(anomaly('a-1', 0));
    const [change] = c.advance(s(30));
    expect(change!.incident.narrative).toMatchObject({
      template: 'test',
      what: 'call 1',
      revision: change!.incident.revision,
    });
    expect(c.get(change!.incident.id)!.narrative.what).toBe('call 1');
  });
});
