import type { Finding } from '../types';
import { round } from './format';

/** A division of labour appears when the index rises by this much within the kept history. */
const MIN_RISE = 0.2;

/**
 * Swarm intelligence as a division of labour appearing: the index (`history`, newest last) reaches the threshold
 * after rising by MIN_RISE or more. Returns the finding and the latest index (an order parameter).
 */
export function swarmFinding(
  history: readonly number[],
  threshold: number,
): { finding: Finding | undefined; dol: number } {
  const dol = history[history.length - 1] ?? 0;
  const low = Math.min(...history);
  if (history.length < 2 || dol < threshold || dol - low < MIN_RISE) return { finding: undefined, dol };
  return {
    dol,
    finding: {
      type: 'swarm_intelligence',
      scope: 'fleet',
      magnitude: dol,
      confidence: 1,
      agents: [],
      agentsMode: 'current',
      evidence: { divisionOfLabour: round(dol), earlier: round(low) },
      explanation: `A division of labour appeared: agents specialised by interaction kind, DOL rose from ${low.toFixed(2)} to ${dol.toFixed(2)} (Gorelick et al. 2004).`,
    },
  };
}
