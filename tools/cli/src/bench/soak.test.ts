import { gauge, latencyTrend, summariseSoak, type SoakSample } from './soak';

describe('soak figures', () => {
  it('reads a gauge from the exposition format, labelled or not, NaN when absent', () => {
    const text =
      '# HELP x\nprocess_resident_memory_bytes{service="health-monitor"} 1048576\nnodejs_eventloop_lag_max_seconds 0.25\n';
    expect(gauge(text, 'process_resident_memory_bytes')).toBe(1048576);
    expect(gauge(text, 'nodejs_eventloop_lag_max_seconds')).toBe(0.25);
    expect(gauge(text, 'missing_metric')).toBeNaN();
  });

  it('summarises RSS growth from the first quarter of the curve to the last, and the worst stall per service', () => {
    const point = (at: number, rss: number, stall: number): SoakSample => ({
      atSeconds: at,
      samplesPerSecond: 100_000,
      rssMiB: {
        'health-monitor': rss,
        'anomaly-detector': 2 * rss,
        'emergence-detector': rss,
        autoscaler: rss,
        incidents: rss,
      },
      stallMs: {
        'health-monitor': stall,
        'anomaly-detector': stall,
        'emergence-detector': 3 * stall,
        autoscaler: stall,
        incidents: stall,
      },
      detectionP99Ms: 5,
    });
    const rows = summariseSoak([point(60, 100, 10), point(120, 103, 40), point(180, 104, 20)]);
    expect(rows.find((r) => r.service === 'health-monitor')).toEqual({
      service: 'health-monitor',
      'RSS first MiB': '100',
      'RSS last MiB': '104',
      'RSS growth %': '4.0',
      'max stall ms': '40',
    });
    // Eight points: the first and last two are averaged, so one collected heap at the end does not read as shrinking.
    const swinging = summariseSoak([100, 140, 120, 120, 120, 120, 150, 110].map((rss, i) => point(60 * i, rss, 10)));
    expect(swinging.find((r) => r.service === 'health-monitor')).toMatchObject({
      'RSS first MiB': '120',
      'RSS last MiB': '130',
      'RSS growth %': '8.3',
    });
    expect(rows.find((r) => r.service === 'emergence-detector')!['max stall ms']).toBe('120');
    expect(rows).toHaveLength(5);
    expect(summariseSoak([])).toEqual([]);
  });

  it('reads the detection p99 trend: medians of the first and second half, and the least-squares slope per hour', () => {
    const point = (at: number, p99: number): SoakSample => ({
      atSeconds: at,
      samplesPerSecond: 100_000,
      rssMiB: { 'health-monitor': 1, 'anomaly-detector': 1, 'emergence-detector': 1, autoscaler: 1, incidents: 1 },
      stallMs: { 'health-monitor': 1, 'anomaly-detector': 1, 'emergence-detector': 1, autoscaler: 1, incidents: 1 },
      detectionP99Ms: p99,
    });
    // p99 = 5 + at/360 ms: 10 ms more per hour.
    const rising = [0, 600, 1200, 1800, 2400, 3000].map((at) => point(at, 5 + at / 360));
    const trend = latencyTrend(rising);
    expect(trend.firstHalfMedianMs).toBeCloseTo(5 + 600 / 360);
    expect(trend.secondHalfMedianMs).toBeCloseTo(5 + 2400 / 360);
    expect(trend.slopeMsPerHour).toBeCloseTo(10);
    expect(latencyTrend([0, 60, 120, 180].map((at) => point(at, 7))).slopeMsPerHour).toBeCloseTo(0);
    expect(latencyTrend([point(0, 7)]).slopeMsPerHour).toBeNaN();
  });
});
