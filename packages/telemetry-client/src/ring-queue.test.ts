import { RingQueue } from './ring-queue';

describe('RingQueue', () => {
  it('keeps FIFO order across growth and wrap-around', () => {
    const queue = new RingQueue<number>(100, 2);
    for (let i = 0; i < 3; i++) queue.push(i);
    expect(queue.shiftMany(2)).toEqual([0, 1]);
    for (let i = 3; i < 40; i++) expect(queue.push(i)).toBe(false);
    expect(queue.length).toBe(38);
    expect(queue.shiftMany(5)).toEqual([2, 3, 4, 5, 6]);
    expect(queue.shiftMany(1000)).toEqual(Array.from({ length: 33 }, (_, i) => i + 7));
    expect(queue.length).toBe(0);
    expect(queue.shiftMany(3)).toEqual([]);
  });

  it('evicts the oldest item when full', () => {
    const queue = new RingQueue<number>(5, 2);
    const evicted = Array.from({ length: 12 }, (_, i) => queue.push(i)).filter(Boolean).length;
    expect(evicted).toBe(7);
    expect(queue.length).toBe(5);
    expect(queue.shiftMany(10)).toEqual([7, 8, 9, 10, 11]);
  });

  it('stays correct when evicting and shifting interleave', () => {
    const queue = new RingQueue<number>(4, 4);
    const model: number[] = [];
    for (let i = 0; i < 50; i++) {
      if (queue.push(i)) model.shift();
      model.push(i);
      if (i % 7 === 0) expect(queue.shiftMany(2)).toEqual(model.splice(0, 2));
      expect(queue.length).toBe(model.length);
    }
    expect(queue.shiftMany(10)).toEqual(model);
  });

  it('clear() empties and returns the count', () => {
    const queue = new RingQueue<string>(3);
    queue.push('a');
    queue.push('b');
    expect(queue.clear()).toBe(2);
    expect(queue.length).toBe(0);
    queue.push('c');
    expect(queue.shiftMany(5)).toEqual(['c']);
  });

  it('refuses a capacity below 1', () => {
    expect(() => new RingQueue(0)).toThrow(RangeError);
  });
});
