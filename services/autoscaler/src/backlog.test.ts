import { BacklogEstimate } from './backlog';

describe('BacklogEstimate', () => {
  it('reads a backlog by Little’s law at the rate the queue empties (ready · μ), not at the arrivals', () => {
    // 20 replicas at 5 rps: a backlogged queue empties at 100 rps; requests waiting 3 s beyond the model: 300 queued.
    const backlog = new BacklogEstimate();
    expect(backlog.requests(3, 100)).toBe(300);
    expect(backlog.requests(-1, 100)).toBe(0);
  });

  it('a crowd at 60 × capacity: never more than the arrivals beyond capacity since it began', () => {
    // 6,000 rps on 100 rps of capacity for two 15 s ticks: 177,000 requests arrived beyond capacity. A request waits
    // 600 s over the model (the requests served this tick): Little's reading 60,000 ≤ the fluid 177,000; counted at the
    // arrivals it read 3,600,000 (the overshoot i20-cost saw).
    const backlog = new BacklogEstimate();
    backlog.observe(6000, 100, 15);
    backlog.observe(6000, 100, 15);
    expect(backlog.bound).toBe(177_000);
    expect(backlog.requests(600, 100)).toBe(60_000);
    // The crowd ends, capacity arrives (2,000 rps), the line drains: the latency still reads 600 s (the last requests
    // served had waited that long), but 177,000 − 2 · 15 · (2,000 − 100) = 120,000 are left at most.
    backlog.observe(100, 2000, 15);
    backlog.observe(100, 2000, 15);
    expect(backlog.bound).toBe(120_000);
    expect(backlog.requests(600, 2000)).toBe(120_000);
    // Drained: the fluid is 0 again and Little's reading alone counts (latency no overload explains).
    for (let i = 0; i < 10; i++) backlog.observe(100, 2000, 15);
    expect(backlog.bound).toBe(0);
    expect(backlog.requests(2, 2000)).toBe(4000);
  });
});
