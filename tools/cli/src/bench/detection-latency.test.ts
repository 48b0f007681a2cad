import { histogramBuckets, quantileFromBuckets, subtractBuckets } from './detection-latency';

const exposition = `# HELP swarmscope_detection_latency_seconds x
# TYPE swarmscope_detection_latency_seconds histogram
swarmscope_detection_latency_seconds_bucket{le="0.001",service="anomaly-detector"} 50
swarmscope_detection_latency_seconds_bucket{le="0.01",service="anomaly-detector"} 90
swarmscope_detection_latency_seconds_bucket{le="0.1",service="anomaly-detector"} 100
swarmscope_detection_latency_seconds_bucket{le="+Inf",service="anomaly-detector"} 100
swarmscope_detection_latency_seconds_sum{service="anomaly-detector"} 1.5
swarmscope_detection_latency_seconds_count{service="anomaly-detector"} 100
other_bucket{le="1"} 7
`;

describe('histogram quantiles from the exposition format', () => {
  it('reads the cumulative buckets of one histogram, +Inf last', () => {
    expect(histogramBuckets(exposition, 'swarmscope_detection_latency_seconds')).toEqual([
      { le: 0.001, count: 50 },
      { le: 0.01, count: 90 },
      { le: 0.1, count: 100 },
      { le: Number.POSITIVE_INFINITY, count: 100 },
    ]);
  });

  it('interpolates inside the bucket holding the rank, as histogram_quantile does', () => {
    const buckets = histogramBuckets(exposition, 'swarmscope_detection_latency_seconds');
    expect(quantileFromBuckets(buckets, 0.5)).toBeCloseTo(0.001, 12); // rank 50: the top of the first bucket
    expect(quantileFromBuckets(buckets, 0.7)).toBeCloseTo(0.001 + 0.009 * (20 / 40), 12);
    expect(quantileFromBuckets(buckets, 0.99)).toBeCloseTo(0.01 + 0.09 * (9 / 10), 12);
    expect(quantileFromBuckets([], 0.5)).toBeNaN();
    // Past the last finite bound: that bound (the quantile is only known to exceed it).
    expect(
      quantileFromBuckets(
        [
          { le: 0.01, count: 1 },
          { le: Number.POSITIVE_INFINITY, count: 10 },
        ],
        0.99,
      ),
    ).toBe(0.01);
  });

  it('takes the growth between two reads of a histogram bucket by bucket', () => {
    const after = histogramBuckets(exposition, 'swarmscope_detection_latency_seconds');
    const before = [
      { le: 0.001, count: 40 },
      { le: 0.01, count: 60 },
      { le: 0.1, count: 61 },
      { le: Number.POSITIVE_INFINITY, count: 61 },
    ];
    expect(subtractBuckets(after, before)).toEqual([
      { le: 0.001, count: 10 },
      { le: 0.01, count: 30 },
      { le: 0.1, count: 39 },
      { le: Number.POSITIVE_INFINITY, count: 39 },
    ]);
    expect(subtractBuckets(after, [])).toEqual(after);
  });
});
