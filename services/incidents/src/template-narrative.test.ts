import type { EmergenceEvent } from '@swarmscope/core';
import { Correlator } from './correlator';
import { duration, formatEvidence, num, templateNarrative } from './template-narrative';
import { anomalyEvent, T0 } from './test-support/fixtures';

describe('template narration', () => {
  it('explains one agent’s anomaly: what, where, since, cause from the evidence, what to check', () => {
    const c = new Correlator();
    c.onAnomaly(
      anomalyEvent('coding-3', 0, {
        pool: 'coding',
        model: 'claude-sonnet-4',
        type: 'error_surge',
        evidence: { errorRate: 0.42, baseline: 0.01 },
      }),
    );
    const incident = c.advance(T0 + 30_000)[0]!.incident;
    const n = templateNarrative(incident, T0 + 31_000);
    expect(n).toMatchObject({ source: 'template', template: 'single_agent_anomaly', generatedAt: T0 + 31_000 });
    expect(n.what).toBe(
      'Error surge on agent coding-3 (pool coding, claude-sonnet-4): 1 agent, 1 anomaly (1 still open) — 1 error surge. Severity high.',
    );
    expect(n.where).toBe('Pool coding; model claude-sonnet-4; agents coding-3.');
    expect(n.cause).toBe(
      'Likely a failing upstream (model API errors, rate limiting) or a bad deploy of the agents. Strongest evidence: coding-3 error surge score 0.91 (errorRate 0.42, baseline 0.01).',
    );
    expect(n.next).toMatch(/^Read the error types on the failing spans/);
  });

  it('explains a cascade from its emergence event and says where to start', () => {
    const c = new Correlator();
    const cascade: EmergenceEvent = {
      id: 'cascade-1',
      event: 'opened',
      type: 'cascade_failure',
      time: T0,
      startedAt: T0,
      scope: 'coding',
      magnitude: 0.85,
      confidence: 0.9,
      agents: ['hub', 'up-1', 'up-2'],
      communities: [1],
      window: { from: T0 - 60_000, to: T0 },
      evidence: { agents: 3, depth: 2, changedAt: T0 },
      explanation: 'prose',
    };
    c.onEmergence(cascade);
    const incident = c.advance(T0 + 1000)[0]!.incident;
    const n = templateNarrative(incident, T0 + 1000);
    expect(n.template).toBe('emergence_cascade_failure');
    expect(n.what).toContain('cascade failure in coding (magnitude 0.85, 3 agents)');
    expect(n.cause).toContain('a failure spreading along delegations');
    expect(n.cause).toContain('(agents 3, depth 2)');
    expect(n.next).toContain('Start with hub (first onset)');
  });

  it('formats numbers and durations for people', () => {
    expect([num(6.1), num(0.9), num(0.00042), num(1234.5), num(3)]).toEqual(['6.1', '0.9', '0.00042', '1235', '3']);
    expect([duration(20_000), duration(12 * 60_000), duration(3 * 3_600_000)]).toEqual(['20 s', '12 min', '3.0 h']);
    expect(formatEvidence({ value: 2.345, lastReportAt: 1_700_000_000_000, bad: Number.NaN })).toBe(' (value 2.35)');
  });
});
