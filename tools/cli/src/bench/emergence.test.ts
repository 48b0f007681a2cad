import type { TruthRecord } from '@swarmscope/simulator';
import { onsetOf, replayEmergence } from './emergence';

function record(
  type: string,
  path: { via: string | null; at: number }[],
  params: TruthRecord['params'] = {},
): TruthRecord {
  return {
    type,
    from: 1000,
    to: 9000,
    params,
    path: path.map((s, i) => ({ agent: `a${i}`, depth: s.via === null ? 0 : 1, ...s })),
  } as unknown as TruthRecord;
}

describe('onsetOf', () => {
  it('dates collective learning at its second copy along an edge, whatever the order of the path', () => {
    const truth = record('collective_learning', [
      { via: null, at: 1000 },
      { via: null, at: 1000 },
      { via: 'a0', at: 4000 },
      { via: 'a1', at: 2500 },
      { via: 'a3', at: 6000 },
    ]);
    expect(onsetOf(truth)).toBe(4000);
  });

  it('finds no collective learning in a record passed on once or never', () => {
    expect(
      onsetOf(
        record('collective_learning', [
          { via: null, at: 1000 },
          { via: 'a0', at: 2000 },
        ]),
      ),
    ).toBeUndefined();
    expect(
      onsetOf(
        record('collective_learning', [
          { via: null, at: 1000 },
          { via: null, at: 1000 },
        ]),
      ),
    ).toBeUndefined();
  });

  it('dates a phase transition at its jump and anything else at its record', () => {
    expect(onsetOf(record('phase_transition', [], { transitionAt: 5000 }))).toBe(5000);
    expect(onsetOf(record('synchronisation', []))).toBe(1000);
  });
});

// A small version of `swarmscope bench emergence`: the simulator's ground truth through the engine, 1,000 agents.
describe('emergence detector against the simulator ground truth', () => {
  it('detects every injected phenomenon with the right type and agents, and warns before the transition', () => {
    const result = replayEmergence({ scenario: 'emergence', agents: 1000, durationSeconds: 900, seed: 1 });
    expect(result.outcomes.map((o) => o.truthType).sort()).toEqual([
      'cascade_failure',
      'collective_learning',
      'phase_transition',
      'synchronisation',
    ]);
    for (const outcome of result.outcomes) {
      expect({ id: outcome.id, injected: outcome.injected }).toEqual({ id: outcome.id, injected: true });
      expect({ id: outcome.id, detected: outcome.detected, typeRight: outcome.typeRight }).toEqual({
        id: outcome.id,
        detected: true,
        typeRight: true,
      });
      expect(outcome.jaccard).toBeGreaterThanOrEqual(0.8);
      expect(outcome.delaySeconds).toBeLessThanOrEqual(60);
    }
    const transition = result.outcomes.find((o) => o.truthType === 'phase_transition')!;
    expect(transition.earlyWarningLeadSeconds).toBeGreaterThan(0);
  });

  it('raises no event on the baseline fleet', () => {
    const result = replayEmergence({ scenario: 'baseline', agents: 1000, durationSeconds: 900, seed: 2 });
    expect(result.events.map((e) => `${e.type}: ${e.explanation}`)).toEqual([]);
  });
});
