import { intVar, numberVar } from '@swarmscope/core';
import { z } from 'zod';
import { DEFAULT_IDENTITY } from './identity';

/** The OTLP receiver's variables (part of health-monitor's environment; listed in docs/otlp.md). */
export const otlpEnvShape = {
  /** A second listener for OTLP/HTTP (4318 is the convention); the receiver is on HEALTH_MONITOR_PORT either way. */
  OTLP_PORT: z.coerce.number().int('must be an integer').min(0, 'must be ≥ 0').max(65535, 'must be ≤ 65535').optional(),
  OTLP_AGENT_IDENTITY: z.string().min(1).default(DEFAULT_IDENTITY.agent),
  OTLP_POOL_ATTRIBUTES: z.string().min(1).default(DEFAULT_IDENTITY.pool),
  OTLP_MODEL_ATTRIBUTES: z.string().min(1).default(DEFAULT_IDENTITY.model),
  /** gen_ai.operation.name values whose spans are requests of their agent. */
  OTLP_REQUEST_OPERATIONS: z.string().min(1).default('chat,text_completion,generate_content'),
  /** Span ids kept to find a span's GenAI ancestor across requests (and children waiting for theirs). */
  OTLP_SPAN_INDEX_MAX: intVar(1000, 10_000_000, 200_000),
  OTLP_SPAN_INDEX_TTL_SECONDS: numberVar(1, 86_400, 300),
};
