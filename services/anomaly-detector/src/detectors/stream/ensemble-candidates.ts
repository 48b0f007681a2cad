import { defaultEnsemble, type EnsembleConfig } from './ensemble';
import { RelativeEntropyDetector } from './relative-entropy';

/** One configuration of the univariate ensemble that the NAB leave-one-category-out bench may choose. */
export interface EnsembleCandidate {
  name: string;
  /** What differs from the default, in a few words. */
  description: string;
  config: () => EnsembleConfig;
}

/**
 * The small, pre-declared set `swarmscope bench nab` chooses among, fold by fold (never a search over knobs): the
 * default and three single changes aimed at generalising, each with its parameters fixed in advance. The first is
 * the default.
 */
export const ENSEMBLE_CANDIDATES: readonly EnsembleCandidate[] = [
  { name: 'default', description: 'the default ensemble', config: () => defaultEnsemble() },
  {
    name: 'likelihood-equal',
    description: 'the anomaly likelihood at full weight (as in HTM: max of likelihood and range break)',
    config: () => ({ ...defaultEnsemble(), likelihoodWeight: 1 }),
  },
  {
    name: 'relative-entropy',
    description: 'plus a windowed distribution-change channel (G-test of the last 32 values against the 256 before)',
    config: () => {
      const base = defaultEnsemble();
      return { ...base, members: [...base.members, { create: () => new RelativeEntropyDetector(), role: 'direct' }] };
    },
  },
  {
    name: 'refractory',
    description: 'after a score ≥ 0.95, 50 samples capped below it (one detection per episode, as CAD OSE and ARTime)',
    config: () => ({ ...defaultEnsemble(), refractory: { samples: 50, above: 0.95 } }),
  },
];
