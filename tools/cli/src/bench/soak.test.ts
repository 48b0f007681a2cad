import { gauge, summariseSoak, type SoakSample } from './soak';

describe('soak figures', () => {
  it('reads a gauge from the exposition format, labelled or not, NaN when absent', () => {
    const text = '# HELP x\nprocess_resident_memory_bytes{service="health-monitor"} 1048576\nnodejs_eventloop_lag_max_seconds 0.25\n';
    expect(gauge(text, 'process_resident_memory_bytes')).toBe(1048576);
    expect(gauge(text, 'nodejs_eventloop_lag_max_seconds')).toBe(0.25);
    expect(gauge(text, 'missing_metric')).toBeNaN();
  });

  it('summarises RSS growth from the first to the last point and the worst stall per service', () => {
    const point = (at: number, rss: number, stall: number): SoakSample => ({
      atSeconds: at,
      samplesPerSecond: 100_000,
      rssMiB: { 'health-monitor': rss, 'anomaly-detector': 2 * rss, 'emergence-detector': rss, autoscaler: rss },
      stallMs: { 'health-monitor': stall, 'anomaly-detector': stall, 'emergence-detector': 3 * stall, autoscaler: stall },
      detectionP99Ms: 5,
    });
    const rows = summariseSoak([point(60, 100, 10), point(120, 103, 40), point(180, 104, 20)]);
    expect(rows.find((r) => r.service === 'health-monitor')).toEqual({ service: 'health-monitor', 'RSS first MiB': '100', 'RSS last MiB': '104', 'RSS growth %': '4.0', 'max stall ms': '40' });
    expect(rows.find((r) => r.service === 'emergence-detector')!['max stall ms']).toBe('120');
    expect(summariseSoak([])).toEqual([]);
  });
});
