import { z } from 'zod';
import type { Topic } from './types';

// Bus topics and their payload schemas live here, once; producers and consumers import them.
// New fields are optional so messages from an older replica still parse during a rolling deploy.

const numbers = z.record(z.string(), z.number());

/** One accepted report of one agent: every number in `metrics` and `quality` is one sample. */
export const sampleReportSchema = z.object({
  agentId: z.string(),
  timestamp: z.number(),
  model: z.string(),
  pool: z.string(),
  type: z.string(),
  metrics: numbers,
  quality: numbers,
  /** When health-monitor accepted it (its clock, epoch ms): consumers measure their lag from it. */
  receivedAt: z.number().optional(),
  /** The trace of the ingest request that carried it (when traced): consumers' exemplars link to it. */
  traceId: z.string().optional(),
  /** Agent labels, sent by the SDK so an agent seen for the first time registers with them. */
  labels: z.record(z.string(), z.string()).optional(),
});
export type SampleReport = z.infer<typeof sampleReportSchema>;

const latencySchema = z.object({
  mean: z.number(),
  p50: z.number(),
  p95: z.number(),
  p99: z.number(),
  max: z.number(),
  samples: z.number(),
});

export const windowSummarySchema = z.object({
  start: z.number(),
  durationMs: z.number(),
  count: z.number(),
  errors: z.number(),
  errorRate: z.number(),
  latency: latencySchema,
  inputTokens: z.number(),
  outputTokens: z.number(),
  costUsd: z.number(),
  means: numbers,
});

/** A closed window of one series: `key` is `agent:<id>`, `model:<name>` or `pool:<name>`. */
export const windowEventSchema = z.object({ key: z.string(), window: windowSummarySchema });
export type WindowEvent = z.infer<typeof windowEventSchema>;

export const INTERACTION_KINDS = ['delegation', 'message', 'tool_handoff'] as const;
export const INTERACTION_OUTCOMES = ['success', 'error'] as const;

/** One agent-to-agent interaction reported by the SDK: an edge of the fleet's interaction graph. */
export const interactionSchema = z.object({
  from: z.string(),
  to: z.string(),
  kind: z.enum(INTERACTION_KINDS),
  outcome: z.enum(INTERACTION_OUTCOMES),
  latencySeconds: z.number(),
  timestamp: z.number(),
  traceId: z.string().optional(),
  spanId: z.string().optional(),
});
export type Interaction = z.infer<typeof interactionSchema>;

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export const RISK_CLASSES = ['low', 'medium', 'high'] as const;

/**
 * A change in an agent's open anomaly: `opened` (first anomalous report), `updated` (it escalated), `resolved`
 * (the agent recovered). One anomaly groups consecutive anomalous reports of one agent; `id` stays the same.
 */
export const anomalyEventSchema = z.object({
  id: z.string(),
  event: z.enum(['opened', 'updated', 'resolved']),
  /** Data time of this event (the report's timestamp), epoch ms. */
  time: z.number(),
  startedAt: z.number(),
  endedAt: z.number().optional(),
  agentId: z.string(),
  model: z.string(),
  pool: z.string(),
  type: z.string(),
  severity: z.enum(SEVERITIES),
  score: z.number(),
  confidence: z.number(),
  risk: z.enum(RISK_CLASSES).optional(),
  detectors: z.array(z.string()),
  features: z.array(z.string()),
  /** The numbers that triggered it (observed value, baseline, ratio, ...). */
  evidence: z.record(z.string(), z.number()),
  explanation: z.string(),
});
export type AnomalyEvent = z.infer<typeof anomalyEventSchema>;

/** Kinds of emergence event: the seed's five, failure cascades, and early warnings of a phase transition. */
export const EMERGENCE_TYPES = [
  'collective_behavior',
  'phase_transition',
  'self_organization',
  'collective_learning',
  'swarm_intelligence',
  'cascade_failure',
  'early_warning',
] as const;

/**
 * A change in one fleet-level phenomenon: `opened` (first detected), `updated` (it grew or changed), `closed` (no
 * longer seen). One phenomenon is one event; `id` stays the same through its life.
 */
export const emergenceEventSchema = z.object({
  id: z.string(),
  event: z.enum(['opened', 'updated', 'closed']),
  type: z.enum(EMERGENCE_TYPES),
  /** Data time of this change (end of the analysed tick), epoch ms. */
  time: z.number(),
  startedAt: z.number(),
  endedAt: z.number().optional(),
  /** Where: a pool, `fleet`, or a group label. */
  scope: z.string(),
  /** Strength in [0, 1], compared with the type's threshold. */
  magnitude: z.number(),
  confidence: z.number(),
  agents: z.array(z.string()),
  /** Louvain communities of the interaction graph the agents belong to. */
  communities: z.array(z.number()),
  /** The data the finding rests on, epoch ms. */
  window: z.object({ from: z.number(), to: z.number() }),
  evidence: z.record(z.string(), z.number()),
  explanation: z.string(),
  /** For spreads (cascades, learning): who changed after whom, along which edge. */
  path: z.array(z.object({ agent: z.string(), via: z.string().nullable(), at: z.number(), depth: z.number() })).optional(),
});
export type EmergenceEvent = z.infer<typeof emergenceEventSchema>;

export const topics = {
  /** Accepted samples, sharded by agent id. */
  samples: { name: 'samples', schema: sampleReportSchema },
  /** Closed window summaries, sharded by series key. */
  windows: { name: 'windows', schema: windowEventSchema },
  /** Agent-to-agent interactions, sharded by the calling agent. */
  interactions: { name: 'interactions', schema: interactionSchema },
  /** Anomaly lifecycle events from the anomaly-detector, sharded by agent id. */
  anomalies: { name: 'anomalies', schema: anomalyEventSchema },
  /** Emergence lifecycle events from the emergence-detector (a fleet-wide singleton), sharded by scope. */
  emergence: { name: 'emergence', schema: emergenceEventSchema },
} satisfies Record<string, Topic<z.ZodType>>;
