import { SEVERITIES, type IncidentEmergence } from '@swarmscope/core';

export type Severity = (typeof SEVERITIES)[number];

export const SEVERITY_RANK: Record<Severity, number> = { low: 0, medium: 1, high: 2, critical: 3 };

export function maxSeverity(levels: Iterable<Severity>): Severity {
  let top: Severity = 'low';
  for (const level of levels) if (SEVERITY_RANK[level] > SEVERITY_RANK[top]) top = level;
  return top;
}

/** One level up, critical stays critical. */
export function raiseSeverity(level: Severity): Severity {
  return SEVERITIES[Math.min(SEVERITIES.length - 1, SEVERITY_RANK[level] + 1)]!;
}

/**
 * How bad an emergence event is for whoever is on call: failures spreading and regime shifts are the pages;
 * a warning of one is worth a look; fleet-wide patterns that hurt nobody by themselves are low.
 */
export function severityOfEmergence(event: Pick<IncidentEmergence, 'type' | 'magnitude'>): Severity {
  switch (event.type) {
    case 'cascade_failure':
      return event.magnitude >= 0.8 ? 'critical' : 'high';
    case 'phase_transition':
      return 'high';
    case 'early_warning':
      return 'medium';
    default:
      return 'low';
  }
}
