import { classifyRisk } from './risk';

describe('classifyRisk', () => {
  it('rates a request flood over a pool high, one agent’s surge medium', () => {
    const pool = classifyRisk({ types: ['request_surge'], rateMultiple: 8, poolShare: 0.9 });
    expect(pool).toEqual({
      risk: 'high',
      pattern: 'request_flood',
      reason: 'request flood: 8× the usual request rate across 90% of the pool',
    });
    expect(classifyRisk({ rateMultiple: 6, agentsAffected: 12 }).risk).toBe('high');
    const one = classifyRisk({ rateMultiple: 6, poolShare: 0.05 });
    expect(one.risk).toBe('medium');
    expect(one.pattern).toBe('request_flood');
    expect(classifyRisk({ rateMultiple: 2.9, poolShare: 1 }).risk).toBe('low'); // below 3×: busy, not a flood
  });

  it('rates port-scan-like probing of many agents high', () => {
    expect(classifyRisk({ types: ['port_scan'] }).risk).toBe('high');
    const scan = classifyRisk({ agentsAffected: 400, failedShare: 1 });
    expect(scan.risk).toBe('high');
    expect(scan.pattern).toBe('port_scan');
    expect(scan.reason).toBe('port-scan-like probing: one source reached 400 agents with 100% failed contacts');
    expect(classifyRisk({ agentsAffected: 400, failedShare: 0.3 }).risk).toBe('low'); // a busy, healthy caller
    expect(classifyRisk({ agentsAffected: 3, failedShare: 1 }).risk).toBe('low'); // a caller of a few failing agents
  });

  it('rates exfiltration-like output medium, unless the input grew with it or the rate surged', () => {
    const exfil = classifyRisk({ types: ['token_spike'], outputMultiple: 25, inputMultiple: 1.1, rateMultiple: 1 });
    expect(exfil).toEqual({
      risk: 'medium',
      pattern: 'exfiltration',
      reason: 'unusual output volume: 25× the usual output tokens at 1.1× the input and a normal request rate',
    });
    expect(classifyRisk({ outputMultiple: 8, inputMultiple: 8 }).risk).toBe('low'); // a token spike both ways
    expect(classifyRisk({ outputMultiple: 3 }).risk).toBe('low');
  });

  it('rates everything else low', () => {
    expect(classifyRisk({})).toEqual({ risk: 'low', pattern: 'none', reason: 'no security-like pattern' });
    expect(classifyRisk({ types: ['latency_spike', 'error_surge'] }).risk).toBe('low');
  });

  it('takes its thresholds from options', () => {
    expect(classifyRisk({ rateMultiple: 3, poolShare: 1 }, { floodMultiple: 2.5 }).risk).toBe('high');
    expect(classifyRisk({ outputMultiple: 3 }, { exfiltrationMultiple: 2 }).risk).toBe('medium');
  });
});
