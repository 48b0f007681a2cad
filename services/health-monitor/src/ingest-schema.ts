// The report schema is shared by every service that takes a report (packages/core/src/report-schema.ts).
export {
  agentIdSchema,
  agentMetricsSchema,
  interactionInputSchema,
  isPlainValidReport,
  REPORT_DEFAULTS as DEFAULTS,
  REPORT_LIMITS as LIMITS,
  registerSchema,
  reportSchema,
  STANDARD_NAMES,
} from '@swarmscope/core';
export type { ReportInput } from '@swarmscope/core';
