import type { Finding } from '../types';
import { pct, round } from './format';

/**
 * Self-organisation: the entropy of agent states (`entropy` now, `history` the recent ticks' including it) falls by
 * at least the threshold's share of its recent peak, once `minHistory` ticks are known.
 */
export function selfOrganisationFinding(
  history: readonly number[],
  entropy: number,
  minHistory: number,
  threshold: number,
): Finding | undefined {
  const peak = Math.max(...history);
  if (history.length < minHistory || !(peak > 0)) return undefined;
  const drop = (peak - entropy) / peak;
  if (drop < threshold) return undefined;
  return {
    type: 'self_organization',
    scope: 'fleet',
    magnitude: drop,
    confidence: 1,
    agents: [],
    agentsMode: 'current',
    evidence: { entropy: round(entropy), peak: round(peak) },
    explanation: `Agents are settling into fewer states: the Shannon entropy of their states fell from ${peak.toFixed(2)} to ${entropy.toFixed(2)} nats (−${pct(drop)}) within the horizon.`,
  };
}
