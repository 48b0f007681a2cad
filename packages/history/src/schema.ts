/** The history database's layout. Bump SCHEMA_VERSION with a migration when a table changes. */
export const SCHEMA_VERSION = 2;

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
  written_at BIGINT NOT NULL,
  latency_bins STRUCT(k INTEGER, n DOUBLE)[]`;

/**
 * Windows carry no primary key: an index over months of per-minute rows would cost more memory than the rows. A
 * window written again (same key and start) is a new row; reads keep the newest by `written_at`. Agents' windows
 * (`windows`, `windows_hourly`) and the aggregate series' (pools, models, the fleet: `series_windows`,
 * `series_windows_hourly`) live apart: a pool's month or the fleet's day then reads its own few thousand rows, not a
 * scan of every agent's (10,000 agents write 14.4 M minute rows a day).
 */
export const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS agents (
    id VARCHAR PRIMARY KEY, model VARCHAR NOT NULL, type VARCHAR NOT NULL, pool VARCHAR NOT NULL, labels VARCHAR NOT NULL,
    registered_at BIGINT NOT NULL, last_seen BIGINT NOT NULL, status VARCHAR NOT NULL, health_score DOUBLE NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS windows (${windowColumns})`,
  `CREATE TABLE IF NOT EXISTS windows_hourly (${windowColumns})`,
  // Version 2: aggregate windows keep their latency sketch's bins (NULL in rows of version 1 and in agents' windows),
  // in tables of their own; a version 1 file's aggregate rows move there.
  `ALTER TABLE windows ADD COLUMN IF NOT EXISTS latency_bins STRUCT(k INTEGER, n DOUBLE)[]`,
  `ALTER TABLE windows_hourly ADD COLUMN IF NOT EXISTS latency_bins STRUCT(k INTEGER, n DOUBLE)[]`,
  `CREATE TABLE IF NOT EXISTS series_windows (${windowColumns})`,
  `CREATE TABLE IF NOT EXISTS series_windows_hourly (${windowColumns})`,
  `INSERT INTO series_windows BY NAME SELECT * FROM windows WHERE kind <> 'agent'`,
  `DELETE FROM windows WHERE kind <> 'agent'`,
  `INSERT INTO series_windows_hourly BY NAME SELECT * FROM windows_hourly WHERE kind <> 'agent'`,
  `DELETE FROM windows_hourly WHERE kind <> 'agent'`,
  `CREATE TABLE IF NOT EXISTS edges (
    start BIGINT NOT NULL, duration_ms BIGINT NOT NULL, "from" VARCHAR NOT NULL, "to" VARCHAR NOT NULL, kind VARCHAR NOT NULL,
    count DOUBLE NOT NULL, errors DOUBLE NOT NULL, latency_sum_seconds DOUBLE NOT NULL)`,
  // Added within version 2 (a table more: a file of an earlier build gets it at open, and that build ignores it).
  `CREATE TABLE IF NOT EXISTS tool_usage (
    start BIGINT NOT NULL, duration_ms BIGINT NOT NULL, pool VARCHAR NOT NULL, tool VARCHAR NOT NULL, calls DOUBLE NOT NULL,
    errors DOUBLE NOT NULL, duration_seconds DOUBLE NOT NULL)`,
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
  'series_windows',
  'series_windows_hourly',
  'edges',
  'tool_usage',
  'anomaly_events',
  'emergence_events',
  'incidents',
  'incident_timeline',
  'scaling_decisions',
  'policies',
] as const;
export type HistoryTable = (typeof HISTORY_TABLES)[number];
