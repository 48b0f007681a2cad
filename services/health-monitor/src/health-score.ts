import type { AgentStatus } from '@swarmscope/core';

/** What an agent's recent reports say, as time-decayed means (see decayed-stats.ts). NaN = never reported. */
export interface HealthSignals {
  /** errors / requests over the recent past, 0..1. */
  errorRate: number;
  latencySeconds: number;
  /** max(cpu_percent, memory_percent), 0..100+. */
  resourcePercent: number;
  /** Mean of the quality scores reported (accuracy, coherence, ...), 0..1. */
  quality: number;
  /** Milliseconds since the agent was last heard from. */
  silenceMs: number;
}

export interface HealthPolicy {
  latencySloSeconds: number;
  /** Silence after which an agent is unresponsive (AGENT_TIMEOUT). */
  timeoutMs: number;
}

export interface HealthAssessment {
  score: number;
  status: AgentStatus;
  /** The penalties that lowered the score, with their numbers, worst first. */
  reasons: string[];
}

export const HEALTHY_AT = 0.8;
export const DEGRADED_AT = 0.5;

const clamp01 = (value: number): number => (value <= 0 || Number.isNaN(value) ? 0 : value >= 1 ? 1 : value);

/**
 * Health score in [0, 1]: the product of (1 − weight × penalty) over five signals, each penalty in [0, 1]:
 *   errors     weight 0.6, full at a 25 % error rate
 *   latency    weight 0.5, from 0 at the SLO to full at 2 × SLO
 *   resources  weight 0.3, from 0 at 70 % to full at 100 % cpu/memory
 *   quality    weight 0.4, from 0 at a mean quality of 0.8 to full at 0.3
 *   staleness  weight 0.5, from 0 at half the timeout to full at the timeout
 * A product lets one bad signal pull the score down without the others averaging it away.
 * Status: silent ≥ timeout → unresponsive; else score ≥ 0.8 healthy, ≥ 0.5 degraded, below unhealthy.
 */
export function assessHealth(signals: HealthSignals, policy: HealthPolicy): HealthAssessment {
  const half = policy.timeoutMs / 2;
  // Reasons are formatted only for penalties that apply: this runs for every agent on every tick.
  const penalties: Array<{ weight: number; penalty: number; reason: () => string }> = [
    {
      weight: 0.6,
      penalty: clamp01(signals.errorRate / 0.25),
      reason: () => `error rate ${(signals.errorRate * 100).toFixed(1)} %`,
    },
    {
      weight: 0.5,
      penalty: clamp01(signals.latencySeconds / policy.latencySloSeconds - 1),
      reason: () => `latency ${signals.latencySeconds.toFixed(3)} s against an SLO of ${policy.latencySloSeconds} s`,
    },
    {
      weight: 0.3,
      penalty: clamp01((signals.resourcePercent - 70) / 30),
      reason: () => `resources at ${signals.resourcePercent.toFixed(0)} %`,
    },
    {
      weight: 0.4,
      penalty: clamp01((0.8 - signals.quality) / 0.5),
      reason: () => `quality ${signals.quality.toFixed(2)}`,
    },
    {
      weight: 0.5,
      penalty: clamp01((signals.silenceMs - half) / half),
      reason: () => `silent for ${(signals.silenceMs / 1000).toFixed(0)} s`,
    },
  ];
  let score = 1;
  for (const { weight, penalty } of penalties) score *= 1 - weight * penalty;
  const reasons = penalties
    .filter((p) => p.penalty > 0)
    .sort((a, b) => b.weight * b.penalty - a.weight * a.penalty)
    .map((p) => p.reason());
  const status: AgentStatus =
    signals.silenceMs >= policy.timeoutMs
      ? 'unresponsive'
      : score >= HEALTHY_AT
        ? 'healthy'
        : score >= DEGRADED_AT
          ? 'degraded'
          : 'unhealthy';
  return { score, status, reasons };
}
