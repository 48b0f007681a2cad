import type { Finding } from './anomaly-episodes';
import { CAUSES, CauseEpisodes, type Cause } from './cause-episodes';

const subject = { agentId: 'a', model: 'm', pool: 'p' };
const finding = (type: string, score = 0.8): Finding => ({
  score,
  confidence: 0.5,
  severity: 'high',
  type,
  risk: 'low',
  detectors: [],
  features: [],
  evidence: {},
  explanation: type,
});
const at = (cause: Cause, f: Finding) => {
  const findings: Array<Finding | undefined> = new Array(CAUSES.length).fill(undefined);
  findings[CAUSES.indexOf(cause)] = f;
  return findings;
};

describe('CauseEpisodes', () => {
  it('opens a second anomaly for a cause that starts later, and keeps the first open', () => {
    const e = new CauseEpisodes({ typePriority: ['memory_leak', 'error_surge'] });
    const leak = e.onReport(subject, 0, at('memory', finding('memory_leak')));
    expect(leak).toEqual([expect.objectContaining({ event: 'opened', type: 'memory_leak', id: 'a:memory:0:1' })]);
    for (let t = 10_000; t < 600_000; t += 10_000)
      expect(e.onReport(subject, t, at('memory', finding('memory_leak')))).toEqual([]);
    // 10 minutes later, while the leak is still reported, an error surge: its own anomaly, with its own id.
    const both = new Array(CAUSES.length).fill(undefined);
    both[CAUSES.indexOf('memory')] = finding('memory_leak');
    both[CAUSES.indexOf('acute')] = finding('error_surge');
    const surge = e.onReport(subject, 600_000, both);
    expect(surge).toEqual([expect.objectContaining({ event: 'opened', type: 'error_surge', id: 'a:600000:1' })]);
    expect(e.isOpen('memory') && e.isOpen('acute')).toBe(true);
  });

  it('lets a generic finding (multivariate) join any open anomaly, however old, rather than open its own', () => {
    const e = new CauseEpisodes({}, 180_000);
    for (let t = 0; t < 600_000; t += 10_000) e.onReport(subject, t, at('drift', finding('quality_degradation')));
    expect(e.onReport(subject, 600_000, at('acute', finding('multivariate', 0.6)))).toEqual([]);
    expect(e.isOpen('acute')).toBe(false);
  });

  it('joins a cause that fires within coOnsetMs of another anomaly opening: one fault, one anomaly', () => {
    const e = new CauseEpisodes({ typePriority: ['model_drift', 'latency_spike'] }, 180_000);
    for (let t = 0; t < 120_000; t += 10_000) e.onReport(subject, t, at('acute', finding('latency_spike')));
    // The drift is judged 2 minutes later: it joins (and, more specific, retypes) the open anomaly.
    const drift = e.onReport(subject, 120_000, at('drift', finding('model_drift')));
    expect(drift).toEqual([expect.objectContaining({ event: 'updated', type: 'model_drift', id: 'a:0:1' })]);
    expect(e.isOpen('drift')).toBe(false);
    // The same after coOnsetMs: a new anomaly.
    const late = new CauseEpisodes({}, 180_000);
    for (let t = 0; t < 200_000; t += 10_000) late.onReport(subject, t, at('acute', finding('latency_spike')));
    expect(late.onReport(subject, 200_000, at('drift', finding('model_drift')))).toEqual([
      expect.objectContaining({ event: 'opened', type: 'model_drift' }),
    ]);
  });
});
