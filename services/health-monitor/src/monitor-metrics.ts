import { ERROR_CODES, INTERACTION_KINDS, INTERACTION_OUTCOMES, topics, type ServiceRegistry } from '@swarmscope/core';
import { Counter, Gauge, Histogram } from 'prom-client';
import type { FleetState } from './fleet-state';
import type { RejectReason } from './ingest-batch';
import { SHED_REASONS } from './ingest-admission';
import { OTHER_TOOL, type ToolUsageTable } from './tool-usage';

const HEALTH_BUCKETS = [0.2, 0.5, 0.8, 0.9, 1];

/**
 * health-monitor's Prometheus metrics. Cardinality is bounded by models × pools × statuses, and tools × pools with tool
 * names capped (MAX_TOOL_NAMES): never one series per agent (per-agent detail lives in the API).
 */
export function createMonitorMetrics(registry: ServiceRegistry, fleet: FleetState, tools: ToolUsageTable) {
  const registers = [registry];
  // Tool usage is added up in the table on ingest and read at scrape time: ingest pays no label hashing per tool.
  const toolCounter = (
    name: string,
    help: string,
    pick: (totals: { calls: number; errors: number; durationSeconds: number }) => number,
  ) =>
    new Counter({
      name,
      help,
      labelNames: ['tool', 'pool'] as const,
      registers,
      collect() {
        this.reset();
        for (const { pool, tool, totals } of tools.entries()) this.inc({ tool, pool }, pick(totals));
      },
    });
  toolCounter(
    'swarmscope_agent_tool_calls_total',
    `Tool (function) calls agents reported by name (\`tools\`), by tool and pool; names past MAX_TOOL_NAMES count as tool="${OTHER_TOOL}".`,
    (t) => t.calls,
  );
  toolCounter(
    'swarmscope_agent_tool_errors_total',
    'Failed tool calls by tool and pool; 0 while a tool has calls and no errors.',
    (t) => t.errors,
  );
  toolCounter(
    'swarmscope_agent_tool_duration_seconds_total',
    'Time spent in tool calls (their reported durationSeconds), by tool and pool.',
    (t) => t.durationSeconds,
  );
  new Counter({
    name: 'swarmscope_agent_tool_names_overflowed_total',
    help: `Tool entries whose name came past MAX_TOOL_NAMES distinct names and were counted under tool="${OTHER_TOOL}".`,
    registers,
    collect() {
      this.reset();
      this.inc(tools.overflowed);
    },
  });
  new Gauge({
    name: 'swarmscope_agent_tool_names',
    help: 'Distinct tool names with series of their own (at most MAX_TOOL_NAMES).',
    registers,
    collect() {
      this.set(tools.distinctNames);
    },
  });
  new Gauge({
    name: 'swarmscope_agents',
    help: 'Registered agents by status, model and pool.',
    labelNames: ['status', 'model', 'pool'] as const,
    registers,
    collect() {
      this.reset();
      const counts = new Map<string, { status: string; model: string; pool: string; n: number }>();
      for (const { record } of fleet.agents.values()) {
        const key = `${record.status}\u0000${record.model}\u0000${record.pool}`;
        const entry = counts.get(key);
        if (entry) entry.n++;
        else counts.set(key, { status: record.status, model: record.model, pool: record.pool, n: 1 });
      }
      for (const { status, model, pool, n } of counts.values()) this.set({ status, model, pool }, n);
    },
  });
  new Gauge({
    name: 'swarmscope_agents_health_score_at_most',
    help: 'Agents whose health score is at most `le` (a cumulative distribution of the fleet, re-read at each scrape).',
    labelNames: ['le'] as const,
    registers,
    collect() {
      const counts = HEALTH_BUCKETS.map(() => 0);
      for (const { record } of fleet.agents.values()) {
        for (let i = 0; i < HEALTH_BUCKETS.length; i++) if (record.healthScore <= HEALTH_BUCKETS[i]!) counts[i]!++;
      }
      HEALTH_BUCKETS.forEach((le, i) => this.set({ le: String(le) }, counts[i]!));
    },
  });
  const metrics = {
    reports: new Counter({ name: 'swarmscope_ingest_reports_total', help: 'Reports accepted.', registers }),
    samples: new Counter({ name: 'swarmscope_ingest_samples_total', help: 'Samples (numbers) accepted.', registers }),
    rejectedReports: new Counter({
      name: 'swarmscope_ingest_rejected_reports_total',
      help: 'Reports refused, by reason.',
      labelNames: ['reason'] as const,
      registers,
    }),
    rejectedBatches: new Counter({
      name: 'swarmscope_ingest_rejected_batches_total',
      help: 'Whole ingest request bodies refused (malformed JSON, not a batch, too large, no key, bus unavailable), by error code.',
      labelNames: ['code'] as const,
      registers,
    }),
    shedRequests: new Counter({
      name: 'swarmscope_ingest_shed_requests_total',
      help: 'Ingest requests answered 503 with Retry-After before their body was read (back-pressure), by reason: in_flight (INGEST_MAX_IN_FLIGHT), bus_backlog (INGEST_MAX_BACKLOG_REPORTS, INGEST_MAX_BUS_FULLNESS).',
      labelNames: ['reason'] as const,
      registers,
    }),
    lateReports: new Gauge({
      name: 'swarmscope_ingest_late_reports',
      help: 'Reports that arrived after their window had closed (kept for health, not for windows), since start.',
      registers,
      collect() {
        this.set(fleet.lateReports);
      },
    }),
    responseTime: new Histogram({
      name: 'swarmscope_agent_response_time_seconds',
      help: 'Response time reported by agents, by model and pool; exemplars carry the trace_id of the ingest request.',
      labelNames: ['model', 'pool'] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
      enableExemplars: true,
      registers,
    }),
    requests: new Counter({
      name: 'swarmscope_agent_requests_total',
      help: 'Requests agents reported serving (`requests`, or one per reported response time), by model and pool.',
      labelNames: ['model', 'pool'] as const,
      registers,
    }),
    errors: new Counter({
      name: 'swarmscope_agent_errors_total',
      help: 'Failed requests agents reported (`errors`), by model and pool; 0 while a model and pool serve without errors.',
      labelNames: ['model', 'pool'] as const,
      registers,
    }),
    tokens: new Counter({
      name: 'swarmscope_gen_ai_tokens_total',
      help: 'Tokens reported by agents, by model, pool and direction (input, output).',
      labelNames: ['model', 'pool', 'direction'] as const,
      registers,
    }),
    cost: new Counter({
      name: 'swarmscope_cost_usd_total',
      help: 'Cost reported by agents in US dollars, by model and pool.',
      labelNames: ['model', 'pool'] as const,
      registers,
    }),
    interactions: new Counter({
      name: 'swarmscope_interactions_total',
      help: 'Agent-to-agent interactions accepted, by kind and outcome.',
      labelNames: ['kind', 'outcome'] as const,
      registers,
    }),
    busPublish: new Histogram({
      name: 'swarmscope_bus_publish_duration_seconds',
      help: 'Time to put an accepted batch on the bus (the lag it adds before consumers can see it).',
      labelNames: ['topic'] as const,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    }),
    busPublishFailures: new Counter({
      name: 'swarmscope_bus_publish_failures_total',
      help: 'Bus publishes that failed.',
      labelNames: ['topic'] as const,
      registers,
    }),
    windowsClosed: new Counter({
      name: 'swarmscope_windows_closed_total',
      help: 'Window summaries closed and stored.',
      labelNames: ['kind'] as const,
      registers,
    }),
    tickDuration: new Histogram({
      name: 'swarmscope_health_tick_duration_seconds',
      help: 'Time of one health tick (close windows, assess every agent, write the registry).',
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
  };
  initialiseKnownLabels(metrics);
  return metrics;
}

/**
 * Every series whose labels are known in advance exists at 0 from the start: a counter that appeared at its first
 * increment makes `increase()` read 0 over the burst that created it.
 */
function initialiseKnownLabels(metrics: {
  rejectedReports: Counter<'reason'>;
  rejectedBatches: Counter<'code'>;
  shedRequests: Counter<'reason'>;
  interactions: Counter<'kind' | 'outcome'>;
  busPublishFailures: Counter<'topic'>;
  windowsClosed: Counter<'kind'>;
}): void {
  for (const reason of ['invalid_field', 'timestamp_out_of_range', 'series_limit'] satisfies RejectReason[])
    metrics.rejectedReports.inc({ reason }, 0);
  for (const code of Object.keys(ERROR_CODES)) metrics.rejectedBatches.inc({ code }, 0);
  for (const reason of SHED_REASONS) metrics.shedRequests.inc({ reason }, 0);
  for (const kind of INTERACTION_KINDS)
    for (const outcome of INTERACTION_OUTCOMES) metrics.interactions.inc({ kind, outcome }, 0);
  for (const topic of [topics.samples, topics.interactions, topics.windows])
    metrics.busPublishFailures.inc({ topic: topic.name }, 0);
  for (const kind of ['agent', 'model', 'pool', 'fleet']) metrics.windowsClosed.inc({ kind }, 0);
}
export type MonitorMetrics = ReturnType<typeof createMonitorMetrics>;
