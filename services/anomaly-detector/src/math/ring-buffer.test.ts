import { RingBuffer } from './ring-buffer';

describe('RingBuffer', () => {
  it('keeps the last `capacity` values in arrival order and returns what it evicts', () => {
    const r = new RingBuffer(3);
    expect(r.push(1)).toBeNaN();
    r.push(2);
    r.push(3);
    expect(r.full).toBe(true);
    expect(r.push(4)).toBe(1);
    expect([r.at(0), r.at(1), r.at(2)]).toEqual([2, 3, 4]);
    expect(r.last()).toBe(4);
    expect(r.at(3)).toBeNaN();
    r.clear();
    expect(r.size).toBe(0);
    expect(r.last()).toBeNaN();
  });

  it('refuses a capacity that is not a whole number ≥ 1', () => {
    expect(() => new RingBuffer(0)).toThrow(RangeError);
    expect(() => new RingBuffer(1.5)).toThrow(RangeError);
  });
});
