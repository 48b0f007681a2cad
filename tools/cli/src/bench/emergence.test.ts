import { replayEmergence } from './emergence';

// A small version of `swarmscope bench emergence`: the simulator's ground truth through the engine, 1,000 agents.
describe('emergence detector against the simulator ground truth', () => {
  it('detects every injected phenomenon with the right type and agents, and warns before the transition', () => {
    const result = replayEmergence({ scenario: 'emergence', agents: 1000, durationSeconds: 900, seed: 1 });
    expect(result.outcomes.map((o) => o.truthType).sort()).toEqual(['cascade_failure', 'collective_learning', 'phase_transition', 'synchronisation']);
    for (const outcome of result.outcomes) {
      expect({ id: outcome.id, detected: outcome.detected, typeRight: outcome.typeRight }).toEqual({ id: outcome.id, detected: true, typeRight: true });
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
