/** What an interaction was: a task handed to another agent, a message, or a tool's work handed over. */
export const INTERACTION_KINDS = ['delegation', 'message', 'tool_handoff'] as const;
export type InteractionKind = (typeof INTERACTION_KINDS)[number];

export const INTERACTION_OUTCOMES = ['success', 'error'] as const;
export type InteractionOutcome = (typeof INTERACTION_OUTCOMES)[number];

/** Standard metrics whose values are counts (whole, ≥ 0). */
export const COUNT_METRICS = ['requests', 'errors', 'input_tokens', 'output_tokens', 'tool_calls'] as const;
/** Standard metrics whose values are amounts (≥ 0). */
export const AMOUNT_METRICS = [
  'response_time_seconds',
  'cpu_percent',
  'memory_bytes',
  'memory_percent',
  'cost_usd',
] as const;
/** Standard quality scores, each in [0, 1]. */
export const QUALITY_SCORES = ['accuracy', 'coherence', 'efficiency', 'adaptability'] as const;

/** What a report registers an agent the server has not seen with, where it leaves them out. */
export const REPORT_DEFAULTS = { model: 'unknown', type: 'general', pool: 'default' } as const;
