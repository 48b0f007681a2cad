import { DetectorPool } from './detector-pool';
import { StreamDetector } from './ensemble';
import { at, gaussian } from '../../test-support/random';

describe('DetectorPool', () => {
  it('keeps one independent ensemble per (agent, metric)', () => {
    const noise = gaussian(1);
    const pool = new DetectorPool();
    const alone = new StreamDetector();
    for (let i = 0; i < 500; i++) {
      const x = 10 + noise();
      const pooled = pool.observe('a-1', 'cpu_percent', at(i), x).score;
      expect(pooled).toBe(alone.update(at(i), x).score);
      pool.observe('a-1', 'memory_bytes', at(i), 1e9 + 1e6 * noise()); // another stream of the same agent
      pool.observe('a-2', 'cpu_percent', at(i), 90 + noise()); // the same metric of another agent
    }
    expect(pool.size).toBe(3);
    expect(pool.stream('a-2', 'cpu_percent')?.samples).toBe(500);
    expect(pool.explain('a-1', 'cpu_percent')?.text).toMatch(/anomaly/);
    expect(pool.explain('nobody', 'cpu_percent')).toBeUndefined();
  });

  it('drops the least recently fed stream when full', () => {
    const pool = new DetectorPool({ maxStreams: 2 });
    pool.observe('a', 'm', at(0), 1);
    pool.observe('b', 'm', at(0), 1);
    pool.observe('a', 'm', at(1), 1); // a is now the most recent
    pool.observe('c', 'm', at(1), 1); // evicts b
    expect(pool.stream('b', 'm')).toBeUndefined();
    expect(pool.stream('a', 'm')?.samples).toBe(2);
    expect(pool.size).toBe(2);
    expect(pool.evicted).toBe(1);
  });

  it('evicts streams idle since a given time, by their own timestamps', () => {
    const pool = new DetectorPool();
    pool.observe('old', 'm', at(0), 1);
    pool.observe('new', 'm', at(100), 1);
    expect(pool.evictIdle(at(50))).toBe(1);
    expect(pool.stream('old', 'm')).toBeUndefined();
    expect(pool.stateBytes()).toBeGreaterThan(0);
  });
});
