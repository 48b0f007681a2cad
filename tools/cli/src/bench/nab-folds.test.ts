import { binarize, chooseFolds, type FoldScore } from './nab-folds';

const s = (normalized: number | null, threshold: number | null): FoldScore => ({
  normalized,
  raw: 0,
  threshold,
  falsePositiveRows: 0,
  windowsDetected: 0,
  windows: 0,
});

describe('leave-one-category-out choice', () => {
  it('each fold takes the candidate best on the other categories, with its threshold there', () => {
    const train = {
      a: { x: s(70, 0.9), y: s(60, 0.8) },
      b: { x: s(65, 0.7), y: s(61, 0.6) },
    };
    expect(chooseFolds(['a', 'b'], ['x', 'y'], train)).toEqual([
      { heldOut: 'x', candidate: 'a', threshold: 0.9, trainScore: 70 },
      { heldOut: 'y', candidate: 'b', threshold: 0.6, trainScore: 61 },
    ]);
  });

  it('ties go to the candidate declared first; a score that cannot be normalised never wins', () => {
    const train = { a: { x: s(50, 0.5) }, b: { x: s(50, 0.4) }, c: { x: s(null, null) } };
    expect(chooseFolds(['a', 'b', 'c'], ['x'], train)[0]!.candidate).toBe('a');
    expect(chooseFolds(['c', 'b'], ['x'], train)[0]!.candidate).toBe('b');
  });

  it('refuses a missing training score or an empty candidate list', () => {
    expect(() => chooseFolds(['a'], ['x', 'y'], { a: { x: s(1, 1) } })).toThrow('no training score for a without y');
    expect(() => chooseFolds([], ['x'], {})).toThrow('no candidates');
  });

  it('binarizes at the fold threshold; no threshold means no detections', () => {
    expect([binarize(0.9, 0.9), binarize(0.89, 0.9), binarize(1, null)]).toEqual([1, 0, 0]);
  });
});
