import { isRightType, quantileOfSorted, scoreDetections, type FaultWindow, type Sighting } from './anomaly-scoring';

const S = 1000;
const fault = (id: string, type: string, agents: string[], start: number, end: number): FaultWindow => ({
  id,
  type,
  agents,
  start,
  end,
});
const seen = (agentId: string, type: string, at: number, opened = true, risk?: string): Sighting => ({
  agentId,
  type,
  at,
  opened,
  risk,
});

describe('scoreDetections', () => {
  const faults = [
    fault('f1', 'latency', ['a'], 0, 60 * S),
    fault('f2', 'error_burst', ['b'], 0, 100 * S),
    fault('f3', 'exfiltration', ['c'], 0, 100 * S),
    fault('f4', 'memory_leak', ['e'], 100 * S, 200 * S),
  ];
  const sightings = [
    seen('a', 'latency_slo', 30 * S),
    seen('b', 'latency_spike', 5 * S),
    seen('b', 'error_surge', 25 * S, false),
    seen('c', 'token_spike', 2 * S, true, 'low'),
    // A leak anomaly opened before the fault and still open: the new trouble is never announced.
    seen('e', 'memory_leak', 50 * S),
    seen('a', 'latency_slo', 200 * S),
    seen('d', 'memory_leak', 0),
    seen('d', 'request_surge', 10 * S, false),
  ];
  const r = scoreDetections(faults, sightings, { agentDays: 2 });

  it('finds a fault by the first right-typed event in its window, delay from its start', () => {
    expect(r.outcomes.map((o) => [o.fault.id, o.delayMs, o.anyTypeDelayMs])).toEqual([
      ['f1', 30 * S, 30 * S],
      ['f2', 25 * S, 5 * S],
      ['f3', undefined, 2 * S],
      ['f4', undefined, undefined],
    ]);
    expect(r.outcomes[1]!.typesSeen).toEqual(['latency_spike', 'error_surge']);
    expect([r.faults, r.detected, r.recall, r.detectedAnyType]).toEqual([4, 2, 0.5, 3]);
    expect(r.byType.latency).toEqual({
      faults: 1,
      detected: 1,
      recall: 1,
      detectedAnyType: 1,
      medianDelayMs: 30 * S,
      p90DelayMs: 30 * S,
    });
    expect(r.byType.exfiltration!.recall).toBe(0);
    expect(r.byType.exfiltration!.detectedAnyType).toBe(1);
  });

  it('counts opened anomalies outside every window of their agent as false alarms, per agent-day and by type', () => {
    // e's leak anomaly (opened before its fault), a's second latency anomaly, d's leak; d's update is not an alarm.
    expect(r.falseAlarms).toBe(3);
    expect(r.falseAlarmsPerAgentDay).toBe(1.5);
    expect(r.falseAlarmsByType).toEqual({ memory_leak: 2, latency_slo: 1 });
  });

  it('on a fault-free run every opened anomaly is a false alarm', () => {
    const clean = scoreDetections([], sightings, { agentDays: 4 });
    expect([clean.falseAlarms, clean.falseAlarmsPerAgentDay, clean.recall]).toEqual([6, 1.5, Number.NaN]);
  });

  it('median and p90 delays by type over the faults found', () => {
    const many = [10, 20, 30, 40, 50].map((_, i) => fault(`l${i}`, 'latency', [`x${i}`], 0, 100 * S));
    const found = scoreDetections(
      many,
      [10, 20, 30, 40].map((sec, i) => seen(`x${i}`, 'latency_spike', sec * S)),
      { agentDays: 1 },
    );
    expect(found.byType.latency).toEqual({
      faults: 5,
      detected: 4,
      recall: 0.8,
      detectedAnyType: 4,
      medianDelayMs: 25 * S,
      p90DelayMs: 37 * S,
    });
    expect(quantileOfSorted([], 0.5)).toBeNaN();
  });

  it('a grace period counts late events for the window', () => {
    const late = [seen('a', 'latency_spike', 70 * S)];
    expect(scoreDetections([faults[0]!], late, { agentDays: 1 }).detected).toBe(0);
    expect(scoreDetections([faults[0]!], late, { agentDays: 1, graceMs: 15 * S }).outcomes[0]!.delayMs).toBe(70 * S);
  });

  it('right types: both generators’ names, and exfiltration as a token spike of medium or high risk', () => {
    expect(isRightType('latency', { type: 'latency_slo' })).toBe(true);
    expect(isRightType('latency_spike', { type: 'latency_slo' })).toBe(true);
    expect(isRightType('model_drift', { type: 'latency_spike' })).toBe(false);
    expect(isRightType('scan', { type: 'port_scan' })).toBe(true);
    expect(isRightType('exfiltration', { type: 'token_spike', risk: 'medium' })).toBe(true);
    expect(isRightType('exfiltration', { type: 'token_spike', risk: 'low' })).toBe(false);
    expect(isRightType('token_explosion', { type: 'token_spike', risk: 'low' })).toBe(true);
  });
});
