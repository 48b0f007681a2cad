import { DEFAULT_BEHAVIOR, HorizontalAutoscaler, replicasForMetric, replicasForMetrics, type HpaBehavior } from './hpa';

// Known answers from the Kubernetes documentation ("Horizontal Pod Autoscaling": algorithm details, and the
// "HorizontalPodAutoscaler Walkthrough"); each test names the example it reproduces.
describe('replicasForMetric (desired = ceil(current × metric / target))', () => {
  it('doubles at 200m against 100m and halves at 50m', () => {
    expect(replicasForMetric(4, 200, 100)).toBe(8);
    expect(replicasForMetric(4, 50, 100)).toBe(2);
  });

  it('skips scaling within the 10% tolerance, and acts just outside it', () => {
    expect(replicasForMetric(10, 109, 100)).toBe(10);
    expect(replicasForMetric(10, 91, 100)).toBe(10);
    expect(replicasForMetric(10, 111, 100)).toBe(12);
    expect(replicasForMetric(10, 89, 100)).toBe(9);
  });

  it('walkthrough: 305% CPU against a 50% target from 1 replica asks for 7', () => {
    expect(replicasForMetric(1, 305, 50)).toBe(7);
  });

  it('counts not-yet-ready replicas as idle when scaling up (no second ask for replicas still starting)', () => {
    // 4 ready at 140% of target, 4 more starting: 4 × 1.4 = 5.6 → 6 needed, 8 already asked for.
    expect(replicasForMetric(8, 140, 100, 0.1, 4)).toBe(8);
    // 4 ready at 300%: 12 needed, 8 asked for → 12.
    expect(replicasForMetric(8, 300, 100, 0.1, 4)).toBe(12);
    // Scaling down ignores the unready ones: ceil(0.5 × 4) = 2.
    expect(replicasForMetric(8, 50, 100, 0.1, 4)).toBe(2);
  });

  it('takes the highest proposal of several metrics and names it', () => {
    expect(
      replicasForMetrics(10, [
        { name: 'cpu', value: 35, target: 70 },
        { name: 'memory', value: 120, target: 80 },
      ]),
    ).toEqual({ replicas: 15, metric: 'memory' });
  });
});

describe('HorizontalAutoscaler behaviour', () => {
  const s = 1000;

  it('default scale-up: at most max(+100%, +4 pods) per 15 s, so 1 → 5 → 7 for the walkthrough', () => {
    const hpa = new HorizontalAutoscaler();
    const first = hpa.step(0, 1, 7, 1, 10);
    expect(first).toEqual({ recommended: 7, stabilized: 7, replicas: 5, limitedBy: 'ScaleUpLimit' });
    hpa.recordScale(0, 1, 5);
    // Within the same 15 s period the 4 pods already added count against the limit.
    expect(hpa.step(10 * s, 5, 7, 1, 10).replicas).toBe(5);
    expect(hpa.step(16 * s, 5, 7, 1, 10).replicas).toBe(7);
  });

  it('caps at maxReplicas with TooManyReplicas', () => {
    const hpa = new HorizontalAutoscaler();
    expect(hpa.step(0, 8, 12, 1, 10)).toMatchObject({ replicas: 10, limitedBy: 'TooManyReplicas' });
  });

  it('default scale-down: keeps the highest recommendation of the last 300 s', () => {
    const hpa = new HorizontalAutoscaler();
    expect(hpa.step(0, 10, 10, 1, 20).replicas).toBe(10);
    expect(hpa.step(60 * s, 10, 6, 1, 20).replicas).toBe(10);
    expect(hpa.step(120 * s, 10, 4, 1, 20).replicas).toBe(10);
    // The 10 recorded at t=0 leaves the window after 300 s; the highest left is 6.
    expect(hpa.step(301 * s, 10, 4, 1, 20)).toMatchObject({ stabilized: 6, replicas: 6 });
    expect(hpa.step(421 * s, 6, 4, 1, 20).replicas).toBe(4);
  });

  it('docs example: Pods 4 / 60 s and Percent 10 / 60 s with Max remove 8 from 80, then 8 from 72, then 4 at 40 and below', () => {
    const behavior: HpaBehavior = {
      scaleUp: DEFAULT_BEHAVIOR.scaleUp,
      scaleDown: {
        stabilizationWindowSeconds: 0,
        selectPolicy: 'Max',
        policies: [
          { type: 'Pods', value: 4, periodSeconds: 60 },
          { type: 'Percent', value: 10, periodSeconds: 60 },
        ],
      },
    };
    const hpa = new HorizontalAutoscaler(behavior);
    let current = 80;
    const counts: number[] = [];
    for (let minute = 0; minute < 12; minute++) {
      const now = minute * 61 * s;
      const next = hpa.step(now, current, 1, 1, 100).replicas;
      hpa.recordScale(now, current, next);
      current = next;
      counts.push(current);
    }
    expect(counts.slice(0, 3)).toEqual([72, 64, 57]);
    // 40 → 36 either way; from 36 down the Pods policy (4) removes more than 10%.
    const below40 = counts.filter((c) => c < 40);
    for (let i = 1; i < below40.length; i++) expect(below40[i - 1]! - below40[i]!).toBe(4);
  });

  it('selectPolicy Disabled stops scale-down entirely', () => {
    const hpa = new HorizontalAutoscaler({
      scaleUp: DEFAULT_BEHAVIOR.scaleUp,
      scaleDown: { stabilizationWindowSeconds: 0, selectPolicy: 'Disabled', policies: [] },
    });
    expect(hpa.step(0, 10, 2, 1, 20).replicas).toBe(10);
  });

  it('never goes below minReplicas (TooFewReplicas)', () => {
    const hpa = new HorizontalAutoscaler({
      ...DEFAULT_BEHAVIOR,
      scaleDown: { ...DEFAULT_BEHAVIOR.scaleDown, stabilizationWindowSeconds: 0 },
    });
    expect(hpa.step(0, 10, 1, 3, 20)).toMatchObject({ replicas: 3, limitedBy: 'TooFewReplicas' });
  });
});
