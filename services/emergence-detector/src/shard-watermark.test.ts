import { ShardWatermark } from './shard-watermark';

describe('ShardWatermark', () => {
  it('is the oldest of the shards’ newest data times, so a shard read behind the others holds it back', () => {
    const watermark = new ShardWatermark(30_000);
    expect(watermark.current(0)).toBeUndefined();
    watermark.observe(0, 10_000, 0);
    watermark.observe(1, 4_000, 0);
    watermark.observe(0, 12_000, 1_000);
    watermark.observe(1, 3_000, 1_000); // an older report of shard 1 does not move it back
    expect(watermark.current(1_000)).toBe(4_000);
    expect(watermark.newest).toBe(12_000);
    watermark.observe(1, 11_000, 2_000);
    expect(watermark.current(2_000)).toBe(11_000);
  });

  it('stops waiting for a shard silent longer than the idle time, and waits again once it advances', () => {
    const watermark = new ShardWatermark(30_000);
    watermark.observe(0, 5_000, 0);
    watermark.observe(1, 1_000, 0);
    watermark.observe(0, 40_000, 31_000);
    expect(watermark.current(30_000)).toBe(1_000);
    expect(watermark.current(31_000)).toBe(40_000);
    watermark.observe(1, 20_000, 32_000);
    expect(watermark.current(32_000)).toBe(20_000);
    // Every shard idle: the newest data is all there is.
    expect(watermark.current(100_000)).toBe(40_000);
  });
});
