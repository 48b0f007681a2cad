/** Limits of one report, enforced by the ingest schema and checked early by the SDK; documented in docs/api/health-monitor.md (Limits). */
export const REPORT_LIMITS = {
  /** Agent ids, models, pools, types: 1..128 characters (ids and pools of [A-Za-z0-9._:-]). */
  idLength: 128,
  /** Metric, quality and label names. */
  nameLength: 64,
  metricsPerReport: 64,
  qualityPerReport: 32,
  labelsPerAgent: 32,
  labelValueLength: 256,
  /** Tool names are label values of `swarmscope_agent_tool_*_total`. */
  toolsPerReport: 32,
  toolNameLength: 256,
} as const;
export type ReportLimits = typeof REPORT_LIMITS;

/** Limits of one ingest body (`POST /v1/ingest`, `POST /v1/interactions`): the servers' defaults, the SDK's batches. */
export const INGEST_LIMITS = {
  /** Reports (or interactions) per body: health-monitor's MAX_BATCH_REPORTS default. */
  reportsPerBody: 5000,
  /** Bytes per body (5 MiB): every service's BODY_LIMIT_BYTES default. */
  bodyBytes: 5_242_880,
} as const;
export type IngestLimits = typeof INGEST_LIMITS;

/** Agent ids (and pools): letters, digits and `. _ : -`. */
export const AGENT_ID_PATTERN = /^[A-Za-z0-9._:-]+$/;
/** Metric and quality names: snake_case. */
export const NAME_PATTERN = /^[a-z][a-z0-9_]*$/;
