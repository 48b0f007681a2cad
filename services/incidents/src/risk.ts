import type { RISK_CLASSES } from '@swarmscope/core';

export type Risk = (typeof RISK_CLASSES)[number];

export const RISK_RANK: Record<Risk, number> = { low: 0, medium: 1, high: 2 };

/** The highest risk class among `levels` (an event without one counts as low). */
export function maxRisk(levels: Iterable<Risk | undefined>): Risk {
  let top: Risk = 'low';
  for (const level of levels) if (level !== undefined && RISK_RANK[level] > RISK_RANK[top]) top = level;
  return top;
}
