import { SpanIndex } from './span-index';

describe('SpanIndex', () => {
  it('walks up through non-GenAI links to the nearest GenAI span', () => {
    const index = new SpanIndex<string>(100, 1000);
    index.add('a', { agent: 'planner', parent: '', at: 0 });
    index.add('h1', { agent: undefined, parent: 'a', at: 0 });
    index.add('h2', { agent: undefined, parent: 'h1', at: 0 });
    expect(index.ancestry('h2', 10)).toEqual({ kind: 'found', span: { agent: 'planner', parent: '', at: 0 } });
    expect(index.ancestry('', 10)).toEqual({ kind: 'root' });
    expect(index.ancestry('zz', 10)).toEqual({ kind: 'missing', spanId: 'zz' });
    // A link whose own parent is unknown: the walk stops at the id it misses.
    index.add('h3', { agent: undefined, parent: 'gone', at: 0 });
    expect(index.ancestry('h3', 10)).toEqual({ kind: 'missing', spanId: 'gone' });
  });

  it('forgets spans older than its time limit, and the oldest past its size', () => {
    const index = new SpanIndex<string>(2, 1000);
    index.add('a', { agent: 'x', parent: '', at: 0 });
    expect(index.ancestry('a', 1000).kind).toBe('found');
    expect(index.ancestry('a', 1001)).toEqual({ kind: 'missing', spanId: 'a' });
    index.add('b', { agent: 'y', parent: '', at: 500 });
    index.add('c', { agent: 'z', parent: '', at: 600 });
    expect(index.size).toBe(2);
    expect(index.ancestry('a', 700).kind).toBe('missing');
    index.sweep(1550);
    expect(index.size).toBe(1);
    expect(index.ancestry('c', 1550).kind).toBe('found');
  });

  it('keeps waiters until their span comes, drops them when their time is up or room runs out, and counts those', () => {
    const index = new SpanIndex<string>(3, 1000);
    index.wait('p', 'child-1', 0);
    index.wait('p', 'child-2', 10);
    index.wait('q', 'child-3', 20);
    expect(index.waitingSize).toBe(3);
    expect(index.take('p').map((w) => w.value)).toEqual(['child-1', 'child-2']);
    expect(index.take('p')).toEqual([]);
    index.wait('r', 'child-4', 30);
    index.wait('s', 'child-5', 40);
    index.wait('t', 'child-6', 50); // 4 waiting > 3: the oldest (q) goes
    expect(index.waitingSize).toBe(3);
    expect(index.expired).toBe(1);
    index.sweep(1035);
    expect(index.take('r')).toEqual([]);
    expect(index.expired).toBe(2);
    expect(index.take('t').map((w) => w.value)).toEqual(['child-6']);
  });
});
