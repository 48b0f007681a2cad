import { evaluateDetections, type Detection, type TruthWindow } from './evaluate';

const MIN = 60_000;

describe('evaluateDetections', () => {
  const truth: TruthWindow[] = [
    { agentId: 'a', type: 'latency_spike', start: 10 * MIN, end: 20 * MIN },
    { agentId: 'b', type: 'error_surge', start: 30 * MIN, end: 40 * MIN },
    { agentId: 'c', type: 'latency_spike', start: 50 * MIN, end: 60 * MIN },
    { agentId: 'd', type: 'model_drift', start: 0, end: 100 * MIN },
  ];
  const detections: Detection[] = [
    { agentId: 'a', type: 'latency_spike', start: 12 * MIN }, // TP, 2 min
    { agentId: 'a', type: 'latency_slo', start: 15 * MIN }, // TP again (same window; the earliest sets the delay)
    { agentId: 'b', type: 'statistical', start: 31 * MIN }, // TP of another type, 1 min
    { agentId: 'b', type: 'error_surge', start: 45 * MIN }, // after the window: false alarm
    { agentId: 'c', type: 'latency_spike', start: 49 * MIN }, // before the window: false alarm
    { agentId: 'e', type: 'token_spike', start: 5 * MIN }, // no window at all: false alarm
  ];

  it('counts true positives, precision, recall and false alarms per agent-day (known answer)', () => {
    const r = evaluateDetections(truth, detections, 2);
    expect(r.windows).toBe(4);
    expect(r.detections).toBe(6);
    expect(r.truePositives).toBe(3);
    expect(r.falsePositives).toBe(3);
    expect(r.precision).toBe(0.5);
    expect(r.detected).toBe(2);
    expect(r.recall).toBe(0.5);
    expect(r.f1).toBe(0.5);
    expect(r.falseAlarmsPerAgentDay).toBe(1.5);
    expect(r.typeAgreement).toBeCloseTo(1 / 3, 12); // only a's first detection names its window's type
  });

  it('reports time to detect by type', () => {
    const r = evaluateDetections(truth, detections, 2);
    expect(r.byType.latency_spike).toEqual({
      windows: 2,
      detected: 1,
      recall: 0.5,
      medianMs: 2 * MIN,
      meanMs: 2 * MIN,
      maxMs: 2 * MIN,
    });
    expect(r.byType.error_surge!.medianMs).toBe(MIN);
    expect(r.byType.model_drift!.detected).toBe(0);
    expect(Number.isNaN(r.byType.model_drift!.medianMs)).toBe(true);
    expect(Object.keys(r.byType)).toEqual(['error_surge', 'latency_spike', 'model_drift']);
  });

  it('applies a grace period and type matching when asked', () => {
    const graced = evaluateDetections(truth, detections, 2, { graceMs: 5 * MIN });
    expect(graced.truePositives).toBe(4); // b's detection 5 min after the end now counts
    const typed = evaluateDetections(truth, detections, 2, { matchType: true });
    expect(typed.truePositives).toBe(1);
    expect(typed.byType.error_surge!.detected).toBe(0);
    const lenient = evaluateDetections(truth, detections, 2, {
      matchType: (t, d) => t === d || (t === 'latency_spike' && d === 'latency_slo'),
    });
    expect(lenient.truePositives).toBe(2);
  });

  it('is defined on empty input', () => {
    const r = evaluateDetections([], [], 0);
    expect(Number.isNaN(r.precision)).toBe(true);
    expect(Number.isNaN(r.recall)).toBe(true);
    expect(Number.isNaN(r.falseAlarmsPerAgentDay)).toBe(true);
    expect(r.byType).toEqual({});
  });
});
