import { commonEnv, INGEST_LIMITS, intVar, maxFutureSkewVar, numberVar, urlVar } from '@swarmscope/core';
import { z } from 'zod';
import { otlpEnvShape } from './otlp/otlp-env';

const HTTP = ['http:', 'https:'] as const;

/** health-monitor's environment; every variable is listed in docs/configuration.md (tools/cli/src/docs.test.ts checks). */
export const healthMonitorEnv = commonEnv.extend({
  HEALTH_MONITOR_PORT: intVar(0, 65535, 8080),
  AGENT_TIMEOUT_SECONDS: numberVar(1, 86_400, 30),
  WINDOW_SECONDS: intVar(1, 3600, 60),
  WINDOW_GRACE_SECONDS: numberVar(0, 600, 5),
  WINDOW_RETENTION_HOURS: numberVar(0.01, 24 * 30, 24),
  LATENCY_SLO_SECONDS: numberVar(0.001, 3600, 2),
  MAX_BATCH_REPORTS: intVar(1, 100_000, INGEST_LIMITS.reportsPerBody),
  MAX_FUTURE_SKEW_SECONDS: maxFutureSkewVar(),
  /** Distinct custom metric and quality names (outside the standard ones) one agent may report. */
  MAX_CUSTOM_SERIES_PER_AGENT: intVar(1, 100_000, 100),
  /** Distinct tool names with series of their own on /metrics (fleet-wide); later names count as tool="_OTHER". */
  MAX_TOOL_NAMES: intVar(1, 10_000, 200),
  /** Ingest requests handled at once beyond which new ones are answered 503 with Retry-After (back-pressure). */
  INGEST_MAX_IN_FLIGHT: intVar(1, 100_000, 64),
  /** Share of the bus (per shard, its length cap) the slowest reader may leave unread before ingest answers 503. */
  INGEST_MAX_BUS_FULLNESS: numberVar(0.01, 1, 0.5),
  /**
   * Reports the slowest in-process reader (a detector) may owe before ingest answers 503 with Retry-After: bounds how far
   * the analysis falls behind (detection latency ≈ this over the analysed reports/s), whatever the batch size.
   */
  INGEST_MAX_BACKLOG_REPORTS: intVar(1, 10_000_000, 20_000),
  /** The Retry-After of a shed ingest request, in seconds. */
  INGEST_RETRY_AFTER_SECONDS: intVar(1, 3600, 1),
  /** Where the web console's gateway (`/api/<service>/...`) reaches the other services. */
  ANOMALY_DETECTOR_URL: urlVar(HTTP).default('http://127.0.0.1:8081'),
  EMERGENCE_DETECTOR_URL: urlVar(HTTP).default('http://127.0.0.1:8082'),
  AUTOSCALER_URL: urlVar(HTTP).default('http://127.0.0.1:8083'),
  INCIDENTS_URL: urlVar(HTTP).default('http://127.0.0.1:8084'),
  ...otlpEnvShape,
  /**
   * Distributed mode (Redis): this replica keeps the durable history in this directory, written from the bus (one
   * replica only; see docs/history.md). Embedded mode's `swarmscope start` reads it itself.
   */
  SWARMSCOPE_DATA_DIR: z.string().trim().min(1).optional(),
  RETENTION_RAW: z.string().optional(),
  RETENTION_ROLLUP: z.string().optional(),
  RETENTION_EVENTS: z.string().optional(),
});
export type HealthMonitorEnv = z.infer<typeof healthMonitorEnv>;
