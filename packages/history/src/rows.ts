import { sketchBins, type SketchBin } from './sketches';
import type { AgentRecord, AnomalyEvent, EmergenceEvent, GraphWindow, Incident, WindowSummary } from '@swarmscope/core';

// Record ↔ row mappings. Column types are DuckDB's; rows travel to DuckDB as one JSON array per table and flush.

export type Columns = Readonly<Record<string, string>>;
export type Row = Record<string, string | number | null | SketchBin[]>;

export const WINDOW_COLUMNS: Columns = {
  key: 'VARCHAR',
  kind: 'VARCHAR',
  start: 'BIGINT',
  duration_ms: 'BIGINT',
  count: 'DOUBLE',
  errors: 'DOUBLE',
  error_rate: 'DOUBLE',
  latency_mean: 'DOUBLE',
  latency_p50: 'DOUBLE',
  latency_p95: 'DOUBLE',
  latency_p99: 'DOUBLE',
  latency_max: 'DOUBLE',
  latency_samples: 'DOUBLE',
  input_tokens: 'DOUBLE',
  output_tokens: 'DOUBLE',
  cost_usd: 'DOUBLE',
  means: 'VARCHAR',
  written_at: 'BIGINT',
  latency_bins: 'STRUCT(k INTEGER, n DOUBLE)[]',
};

/** `agent:a-1` → `agent`; a key without a prefix (e.g. `fleet`) is its own kind. */
export function kindOf(key: string): string {
  const colon = key.indexOf(':');
  return colon < 0 ? key : key.slice(0, colon);
}

/** The minute and hourly tables a series' windows live in: agents' apart from the aggregates' (see schema.ts). */
export const WINDOW_TABLES = [
  { raw: 'windows', hourly: 'windows_hourly' },
  { raw: 'series_windows', hourly: 'series_windows_hourly' },
] as const;

export function windowTablesOf(key: string): (typeof WINDOW_TABLES)[number] {
  return WINDOW_TABLES[kindOf(key) === 'agent' ? 0 : 1];
}

export function windowRow(key: string, w: WindowSummary, writtenAt: number): Row {
  return {
    key,
    kind: kindOf(key),
    start: w.start,
    duration_ms: w.durationMs,
    count: w.count,
    errors: w.errors,
    error_rate: w.errorRate,
    latency_mean: w.latency.mean,
    latency_p50: w.latency.p50,
    latency_p95: w.latency.p95,
    latency_p99: w.latency.p99,
    latency_max: w.latency.max,
    latency_samples: w.latency.samples,
    input_tokens: w.inputTokens,
    output_tokens: w.outputTokens,
    cost_usd: w.costUsd,
    means: JSON.stringify(w.means),
    written_at: writtenAt,
    latency_bins: (w.latencySketch && sketchBins(w.latencySketch)) ?? null,
  };
}

/**
 * The window of a row, read through `field` (a row object's property, or a column of a columnar result at one row),
 * without its sketch: the roll-ups sum a window's bins themselves (rollUpBinned), and percentiles of a range come
 * from History.latencyPercentiles.
 */
export function windowOf(field: (name: string) => unknown): WindowSummary {
  const n = (name: string) => Number(field(name));
  return {
    start: n('start'),
    durationMs: n('duration_ms'),
    count: n('count'),
    errors: n('errors'),
    errorRate: n('error_rate'),
    latency: {
      mean: n('latency_mean'),
      p50: n('latency_p50'),
      p95: n('latency_p95'),
      p99: n('latency_p99'),
      max: n('latency_max'),
      samples: n('latency_samples'),
    },
    inputTokens: n('input_tokens'),
    outputTokens: n('output_tokens'),
    costUsd: n('cost_usd'),
    means: JSON.parse(String(field('means'))) as Record<string, number>,
  };
}

/** `windowOf` of a row object. */
export const windowOfRow = (row: Record<string, unknown>): WindowSummary => windowOf((name) => row[name]);

export const AGENT_COLUMNS: Columns = {
  id: 'VARCHAR',
  model: 'VARCHAR',
  type: 'VARCHAR',
  pool: 'VARCHAR',
  labels: 'VARCHAR',
  registered_at: 'BIGINT',
  last_seen: 'BIGINT',
  status: 'VARCHAR',
  health_score: 'DOUBLE',
};

export function agentRow(a: AgentRecord): Row {
  return {
    id: a.id,
    model: a.model,
    type: a.type,
    pool: a.pool,
    labels: JSON.stringify(a.labels),
    registered_at: a.registeredAt,
    last_seen: a.lastSeen,
    status: a.status,
    health_score: a.healthScore,
  };
}

export function agentOf(row: Record<string, unknown>): AgentRecord {
  return {
    id: String(row.id),
    model: String(row.model),
    type: String(row.type),
    pool: String(row.pool),
    labels: JSON.parse(String(row.labels)) as Record<string, string>,
    registeredAt: Number(row.registered_at),
    lastSeen: Number(row.last_seen),
    status: String(row.status) as AgentRecord['status'],
    healthScore: Number(row.health_score),
  };
}

export const EDGE_COLUMNS: Columns = {
  start: 'BIGINT',
  duration_ms: 'BIGINT',
  from: 'VARCHAR',
  to: 'VARCHAR',
  kind: 'VARCHAR',
  count: 'DOUBLE',
  errors: 'DOUBLE',
  latency_sum_seconds: 'DOUBLE',
};

export function edgeRows(g: GraphWindow): Row[] {
  return g.edges.map((e) => ({
    start: g.start,
    duration_ms: g.durationMs,
    from: e.from,
    to: e.to,
    kind: e.kind,
    count: e.count,
    errors: e.errors,
    latency_sum_seconds: e.latencySumSeconds,
  }));
}

export const ANOMALY_COLUMNS: Columns = {
  id: 'VARCHAR',
  event: 'VARCHAR',
  time: 'BIGINT',
  agent_id: 'VARCHAR',
  pool: 'VARCHAR',
  model: 'VARCHAR',
  severity: 'VARCHAR',
  score: 'DOUBLE',
  payload: 'VARCHAR',
};

export function anomalyRow(e: AnomalyEvent): Row {
  return {
    id: e.id,
    event: e.event,
    time: e.time,
    agent_id: e.agentId,
    pool: e.pool,
    model: e.model,
    severity: e.severity,
    score: e.score,
    payload: JSON.stringify(e),
  };
}

export const EMERGENCE_COLUMNS: Columns = {
  id: 'VARCHAR',
  event: 'VARCHAR',
  type: 'VARCHAR',
  time: 'BIGINT',
  scope: 'VARCHAR',
  magnitude: 'DOUBLE',
  payload: 'VARCHAR',
};

export function emergenceRow(e: EmergenceEvent): Row {
  return {
    id: e.id,
    event: e.event,
    type: e.type,
    time: e.time,
    scope: e.scope,
    magnitude: e.magnitude,
    payload: JSON.stringify(e),
  };
}

export const INCIDENT_COLUMNS: Columns = {
  id: 'VARCHAR',
  status: 'VARCHAR',
  severity: 'VARCHAR',
  title: 'VARCHAR',
  opened_at: 'BIGINT',
  updated_at: 'BIGINT',
  resolved_at: 'BIGINT',
  payload: 'VARCHAR',
};

export function incidentRow(i: Incident): Row {
  return {
    id: i.id,
    status: i.status,
    severity: i.severity,
    title: i.title,
    opened_at: i.openedAt,
    updated_at: i.updatedAt,
    resolved_at: i.resolvedAt ?? null,
    payload: JSON.stringify(i),
  };
}

export const TIMELINE_COLUMNS: Columns = {
  incident_id: 'VARCHAR',
  at: 'BIGINT',
  kind: 'VARCHAR',
  detail: 'VARCHAR',
  by: 'VARCHAR',
};

export function timelineRows(i: Incident): Row[] {
  return i.timeline.map((t) => ({ incident_id: i.id, at: t.at, kind: t.kind, detail: t.detail, by: t.by ?? null }));
}

export const DECISION_COLUMNS: Columns = { time: 'BIGINT', pool: 'VARCHAR', payload: 'VARCHAR' };
export const POLICY_COLUMNS: Columns = { pool: 'VARCHAR', updated_at: 'BIGINT', payload: 'VARCHAR' };
