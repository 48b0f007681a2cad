import { agentEnsemble } from './agent-ensemble';
import { StreamDetector } from './ensemble';
import { seeded } from '../../test-support/random';

/** Log-normal per-request latencies (median 0.9 s, log-σ 0.45), as the simulator draws them. */
function latencies(seed: number, factor = 1): () => number {
  const u = seeded(seed);
  return () => 0.9 * factor * Math.exp(0.45 * Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u()));
}

describe('agentEnsemble', () => {
  it('ignores the heavy tail of per-request latencies but flags a 4× shift within 25 requests', () => {
    const d = new StreamDetector(agentEnsemble());
    const normal = latencies(1);
    let alarms = 0;
    for (let i = 0; i < 50_000; i++) if (d.update(i * 1000, normal()).anomalous) alarms++;
    expect(alarms).toBe(0);
    const slow = latencies(2, 4);
    let first = -1;
    for (let i = 0; i < 100 && first < 0; i++) if (d.update((50_000 + i) * 1000, slow()).anomalous) first = i;
    expect(first).toBeGreaterThanOrEqual(0);
    expect(first).toBeLessThan(25);
    expect(d.explain().contributors[0]!.detector).toBe('cusum');
  });

  it('holds ≈ 2 KB a stream', () => {
    const d = new StreamDetector(agentEnsemble());
    expect(d.stateBytes()).toBeLessThan(2500);
  });
});
