import { llmInference, llmInferenceTraces } from './llm-inference';

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const PER_DAY = 8640;
const family = llmInferenceTraces();
const options = { startupSeconds: 180, batchesPerDay: 1, surges: 1, cost: 'none' as const, days: 2 };

describe('LLM-inference held-out traces (a fourth family)', () => {
  it('are the same for a seed and differ between seeds', () => {
    expect(llmInference(1, 'a', options).values).toEqual(llmInference(1, 'a', options).values);
    expect(llmInference(1, 'a', options).values).not.toEqual(llmInference(2, 'a', options).values);
  });

  it('a slow pool: 0.5 requests/s per replica, a 10 s SLO a lone request meets even after the cost drift', () => {
    for (const t of family) {
      expect(t.serviceRate).toBe(0.5);
      expect(t.sloSeconds).toBe(10);
      const slowest = t.serviceRate / Math.max(1, ...t.costSteps.map((s) => s.factor));
      expect(Math.log(20) / slowest).toBeLessThan(t.sloSeconds);
    }
  });

  it('business days: weekday afternoons (UTC) several times the nights, the weekend below the weekdays', () => {
    const { values, stepSeconds } = family[1]!;
    expect(stepSeconds).toBe(10);
    expect(values).toHaveLength(6 * PER_DAY);
    const hourMean = (day: number, hour: number) =>
      mean(values.slice(day * PER_DAY + hour * 360, day * PER_DAY + (hour + 1) * 360));
    // Day 0 is a Tuesday; days 4 and 5 the weekend.
    expect(hourMean(1, 15)).toBeGreaterThan(4 * hourMean(1, 3));
    expect(hourMean(4, 15) + hourMean(5, 15)).toBeLessThan(hourMean(1, 15) + hourMean(2, 15));
  });

  it('sessions and turns cluster: the 10 s counts are over-dispersed against Poisson within a quiet hour', () => {
    const { values } = family[1]!;
    const hour = values.slice(PER_DAY + 3 * 360, PER_DAY + 4 * 360);
    const m = mean(hour);
    const variance = mean(hour.map((v) => (v - m) ** 2));
    expect(variance).toBeGreaterThan(2.5 * m);
  });

  it('the cost drift rises in hourly steps to ×1.3; the faster build steps once to ×0.7; counts are whole', () => {
    const [drift, none, faster] = family;
    expect(drift!.costSteps).toHaveLength(144);
    expect(drift!.costSteps[0]).toEqual({ atSeconds: 3600, factor: 1.0021 });
    expect(drift!.costSteps.at(-1)!.factor).toBe(1.3);
    expect(none!.costSteps).toEqual([]);
    expect(faster!.costSteps).toEqual([{ atSeconds: Math.round(0.55 * 6 * 86_400), factor: 0.7 }]);
    for (const t of family) expect(t.values.every((v) => Number.isInteger(v) && v >= 0)).toBe(true);
  });

  it('batch blocks start and stop abruptly: eval-batches has 10-minute jumps far larger than chat-sessions-717', () => {
    // Means over 10 minutes (the counts' noise averaged out), then the 10th largest jump between neighbours.
    const jumps = (values: readonly number[]) => {
      const means = Array.from({ length: Math.floor(values.length / 60) }, (_, i) =>
        mean(values.slice(i * 60, (i + 1) * 60)),
      );
      const scale = mean(values);
      return means
        .slice(1)
        .map((v, i) => Math.abs(v - means[i]!) / scale)
        .sort((a, b) => b - a)[9]!;
    };
    const [, chat, batches] = family;
    expect(jumps(batches!.values)).toBeGreaterThan(1.5 * jumps(chat!.values));
  });
});
