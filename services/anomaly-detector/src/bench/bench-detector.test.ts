import { runDetectorBench, syntheticSeries } from './bench-detector';

describe('runDetectorBench', () => {
  it('reports per-sample cost and per-stream memory as finite positive figures (no timing asserted)', () => {
    const r = runDetectorBench({ samples: 1200, batch: 100, streams: 5 });
    expect(Number.isFinite(r.medianNsPerSample) && r.medianNsPerSample > 0).toBe(true);
    expect(r.p99NsPerSample).toBeGreaterThanOrEqual(r.medianNsPerSample);
    expect(r.bytesPerStream).toBeGreaterThan(0);
    expect(r.stateBytesPerStream).toBeGreaterThan(1000);
  });

  it('generates the same synthetic series for the same seed', () => {
    expect(syntheticSeries(100, 3).values).toEqual(syntheticSeries(100, 3).values);
    expect(syntheticSeries(100, 3).values).not.toEqual(syntheticSeries(100, 4).values);
  });
});
