import { defaultEnsemble, type EnsembleConfig } from './ensemble';

/** One configuration of the univariate ensemble that the NAB leave-one-category-out bench may choose. */
export interface EnsembleCandidate {
  name: string;
  /** What differs from the default, in a few words. */
  description: string;
  config: () => EnsembleConfig;
}

/**
 * The small, pre-declared set `swarmscope bench nab` chooses among, fold by fold (never a search over knobs).
 * The first is the default.
 */
export const ENSEMBLE_CANDIDATES: readonly EnsembleCandidate[] = [
  { name: 'default', description: 'the default ensemble', config: () => defaultEnsemble() },
];
