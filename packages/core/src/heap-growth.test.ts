import { boundHeapGrowth, HEAP_GROWING_PERCENT } from './heap-growth';

describe('boundHeapGrowth', () => {
  it('bounds the old generation to HEAP_GROWING_PERCENT when the process was started without its own setting', () => {
    expect(boundHeapGrowth(['--max-semi-space-size=64'])).toBe(HEAP_GROWING_PERCENT);
  });

  it("leaves an operator's --heap-growing-percent in effect, in either spelling", () => {
    expect(boundHeapGrowth(['--heap-growing-percent=100'])).toBeUndefined();
    expect(boundHeapGrowth(['--heap_growing_percent=20'])).toBeUndefined();
  });
});
