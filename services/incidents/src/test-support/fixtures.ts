import type { AnomalyEvent, Incident } from '@swarmscope/core';
import { Correlator } from '../correlator';

export const T0 = Date.UTC(2026, 0, 5, 6);

export function anomalyEvent(agentId: string, atSeconds: number, over: Partial<AnomalyEvent> = {}): AnomalyEvent {
  const at = T0 + atSeconds * 1000;
  return {
    id: `${agentId}:${at}:1`,
    event: 'opened',
    time: at,
    startedAt: at,
    agentId,
    model: 'gpt-4o',
    pool: 'support',
    type: 'latency_spike',
    severity: 'high',
    score: 0.91,
    confidence: 0.8,
    detectors: ['latency_slo'],
    features: ['response_time_seconds'],
    evidence: { value: 6.1, baseline: 0.9, ratio: 6.78 },
    explanation: 'RAW DETECTOR PROSE that must not reach the prompt',
    ...over,
  };
}

/**
 * 12 slow agents in pool support across two models, each handing work to the next (a chain of hand-offs), grouped
 * by the real correlator as graph neighbours with close onsets.
 */
export function burstIncident(): Incident {
  const c = new Correlator();
  for (let i = 1; i < 12; i++)
    c.onInteraction({
      from: `support-${i - 1}`,
      to: `support-${i}`,
      kind: 'delegation',
      outcome: 'success',
      latencySeconds: 0.4,
      timestamp: T0,
    });
  for (let i = 0; i < 12; i++)
    c.onAnomaly(anomalyEvent(`support-${i}`, i * 3, { model: i % 2 ? 'gpt-4o-mini' : 'gpt-4o' }));
  c.advance(T0 + 70_000);
  return c.list()[0]!;
}
