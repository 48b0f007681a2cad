/** The history database's layout. Bump SCHEMA_VERSION with a migration when a table changes. */
export const SCHEMA_VERSION = 1;

const windowColumns = `
  key VARCHAR NOT NULL,
  kind VARCHAR NOT NULL,
  start BIGINT NOT NULL,
  duration_ms BIGINT NOT NULL,
  count DOUBLE NOT NULL,
  errors DOUBLE NOT NULL,
  error_rate DOUBLE NOT NULL,
  latency_mean DOUBLE NOT NULL,
  latency_p50 DOUBLE NOT NULL,
  latency_p95 DOUBLE NOT NULL,
  latency_p99 DOUBLE NOT NULL,
  latency_max DOUBLE NOT NULL,
  latency_samples DOUBLE NOT NULL,
  input_tokens DOUBLE NOT NULL,
  output_tokens DOUBLE NOT NULL,
  cost_usd DOUBLE NOT NULL,
  means VARCHAR NOT NULL,
  written_at BIGINT NOT NULL`;

/**
 * Windows carry no primary key: an index over months of per-minute rows would cost more memory than the rows. A
 * window written again (same key and start) is a new row; reads keep the newest by `written_at`.
 */
export const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS agents (
    id VARCHAR PRIMARY KEY, model VARCHAR NOT NULL, type VARCHAR NOT NULL, pool VARCHAR NOT NULL, labels VARCHAR NOT NULL,
    registered_at BIGINT NOT NULL, last_seen BIGINT NOT NULL, status VARCHAR NOT NULL, health_score DOUBLE NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS windows (${windowColumns})`,
  `CREATE TABLE IF NOT EXISTS windows_hourly (${windowColumns})`,
  `CREATE TABLE IF NOT EXISTS edges (
    start BIGINT NOT NULL, duration_ms BIGINT NOT NULL, "from" VARCHAR NOT NULL, "to" VARCHAR NOT NULL, kind VARCHAR NOT NULL,
    count DOUBLE NOT NULL, errors DOUBLE NOT NULL, latency_sum_seconds DOUBLE NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS anomaly_events (
    id VARCHAR NOT NULL, event VARCHAR NOT NULL, time BIGINT NOT NULL, agent_id VARCHAR NOT NULL, pool VARCHAR NOT NULL,
    model VARCHAR NOT NULL, severity VARCHAR NOT NULL, score DOUBLE NOT NULL, payload VARCHAR NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS emergence_events (
    id VARCHAR NOT NULL, event VARCHAR NOT NULL, type VARCHAR NOT NULL, time BIGINT NOT NULL, scope VARCHAR NOT NULL,
    magnitude DOUBLE NOT NULL, payload VARCHAR NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS incidents (
    id VARCHAR PRIMARY KEY, status VARCHAR NOT NULL, severity VARCHAR NOT NULL, title VARCHAR NOT NULL,
    opened_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, resolved_at BIGINT, payload VARCHAR NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS incident_timeline (
    incident_id VARCHAR NOT NULL, "at" BIGINT NOT NULL, kind VARCHAR NOT NULL, detail VARCHAR NOT NULL, "by" VARCHAR)`,
  `CREATE TABLE IF NOT EXISTS scaling_decisions (time BIGINT NOT NULL, pool VARCHAR NOT NULL, payload VARCHAR NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS policies (pool VARCHAR PRIMARY KEY, updated_at BIGINT NOT NULL, payload VARCHAR NOT NULL)`,
];

/** Tables a user may export or query (everything but `meta`). */
export const HISTORY_TABLES = [
  'agents',
  'windows',
  'windows_hourly',
  'edges',
  'anomaly_events',
  'emergence_events',
  'incidents',
  'incident_timeline',
  'scaling_decisions',
  'policies',
] as const;
export type HistoryTable = (typeof HISTORY_TABLES)[number];
