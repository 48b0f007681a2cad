import {
  AGENT_STATUSES,
  HttpError,
  INTERACTION_KINDS,
  invalidFields,
  parseOrThrow,
  requireScope,
  toHttpError,
  type AgentRecord,
  limitQuery,
} from '@swarmscope/core';
import type { ErrorRequestHandler, Express, Request } from 'express';
import { linearRegression } from 'simple-statistics';
import { z } from 'zod';
import { AGENT_SORTS, SORT_ORDERS, decodeCursor, sortedPage } from './agent-order';
import { EventStream } from './event-stream';
import { fleetSummary } from './fleet-summary';
import type { HealthMonitorPort } from './monitor-port';
import { validateBatch, validateInteractions } from './ingest-batch';
import { GRAPH_KEY, mergeGraph } from './interaction-graph';
import { agentIdSchema, agentMetricsSchema, registerSchema, DEFAULTS, STANDARD_NAMES } from './ingest-schema';
import { SeriesBudget } from './series-budget';
import { checkTimestamp } from './timestamp-policy';
import { mountOtlpRoutes, type OtlpReceiver } from './otlp/otlp-receiver';

/** How often `/fleet/summary/stream` sends the summary (the console's poll of it was every 2 s). */
const FLEET_STREAM_INTERVAL_MS = 2000;

const listQuery = z.object({
  status: z.enum(AGENT_STATUSES, { error: `must be one of ${AGENT_STATUSES.join(', ')}` }).optional(),
  model: z.string().min(1).max(128).optional(),
  pool: z.string().min(1).max(128).optional(),
  limit: limitQuery,
  cursor: z.string().max(256).optional(),
  /** Agents whose id starts with this (the console's search). */
  prefix: z.string().min(1).max(128).optional(),
  /** The order of the listing (ties by id); `name` ascending, the default, pages through the store by id. */
  sort: z.enum(AGENT_SORTS, { error: `must be one of ${AGENT_SORTS.join(', ')}` }).default('name'),
  order: z.enum(SORT_ORDERS, { error: `must be one of ${SORT_ORDERS.join(', ')}` }).default('asc'),
});

const epochMs = z.coerce
  .number({ error: 'must be epoch milliseconds' })
  .int('must be epoch milliseconds')
  .nonnegative('must be ≥ 0');
const rangeQuery = z.object({ from: epochMs.optional(), to: epochMs.optional() });
const graphQuery = rangeQuery.extend({
  kind: z.enum(INTERACTION_KINDS, { error: `must be one of ${INTERACTION_KINDS.join(', ')}` }).optional(),
  /** Only this agent's edges (its neighbourhood), not the whole fleet's. */
  agent: agentIdSchema.optional(),
});
const seriesKind = z.enum(['agent', 'model', 'pool', 'fleet'], { error: 'must be one of agent, model, pool, fleet' });
/** `step=hour`: one window an hour (a month of a pool in 720), from the history. */
const trendsQuery = rangeQuery.extend({
  step: z.enum(['window', 'hour'], { error: 'must be window or hour' }).default('window'),
});
const quantile = z.coerce.number({ error: 'must be a number' }).gt(0, 'must be > 0').lt(1, 'must be < 1');
const percentilesQuery = rangeQuery.extend({
  /** Comma-separated quantiles, e.g. `0.5,0.95,0.99` (the default). */
  q: z
    .preprocess(
      (list) => (typeof list === 'string' ? list.split(',') : list),
      z.array(quantile).max(10, 'must name at most 10 quantiles'),
    )
    .default([0.5, 0.95, 0.99]),
});

const toolUsageQuery = rangeQuery.extend({
  pool: z.string().min(1, 'must not be empty').max(128, 'must be at most 128 characters').optional(),
  tool: z.string().min(1, 'must not be empty').max(128, 'must be at most 128 characters').optional(),
  /** `total`: a row per pool and tool over the range; `hour`: a row per hour, pool and tool. */
  step: z.enum(['total', 'hour'], { error: 'must be total or hour' }).default('total'),
});

/** health-monitor's HTTP API (the seed's routes, kept, plus the batch path and the fleet summary); returns the OTLP receiver it mounts. */
export function mountRoutes(app: Express, monitor: HealthMonitorPort): OtlpReceiver {
  const { env, store } = monitor.deps;
  const timestampPolicy = {
    maxAgeMs: env.WINDOW_RETENTION_HOURS * 3_600_000,
    maxFutureMs: env.MAX_FUTURE_SKEW_SECONDS * 1000,
  };
  const agentId = (request: Request) => parseOrThrow(agentIdSchema, request.params.id, ['params', 'id']);
  const series = new SeriesBudget(env.MAX_CUSTOM_SERIES_PER_AGENT, STANDARD_NAMES);
  /** The agent's custom-series budget: a report bringing a name past it is refused, naming the field. */
  const admitSeries = (
    id: string,
    report: { metrics?: Record<string, number> | undefined; quality?: Record<string, number> | undefined },
  ) => {
    const metrics = Object.keys(report.metrics ?? {});
    const over = series.admit(id, [...metrics, ...Object.keys(report.quality ?? {})]);
    if (over === undefined) return undefined;
    const path = `${metrics.includes(over) ? 'metrics' : 'quality'}.${over}`;
    return {
      path,
      message: `a new series past the agent's limit of ${series.maxPerAgent} custom series (MAX_CUSTOM_SERIES_PER_AGENT)`,
    };
  };
  const known = (id: string): AgentRecord => {
    const agent = monitor.fleet.agents.get(id);
    if (!agent) throw new HttpError('SWS_NOT_FOUND', `agent ${JSON.stringify(id)} is not registered`);
    return agent.record;
  };

  app.post('/v1/ingest', requireScope('ingest'), async (request, response) => {
    const now = monitor.now();
    const result = validateBatch(request.body, now, { ...timestampPolicy, maxItems: env.MAX_BATCH_REPORTS }, (report) =>
      admitSeries(report.agentId, report),
    );
    const rejected = monitor.countRejected(result.rejected);
    // Nothing kept: a 4xx naming every refused field, not a 200 a client could take for success (issue 23).
    if (result.items.length === 0) throw invalidFields(result.errors.map(({ path, message }) => ({ path, message })));
    const reports = result.items.map((report) => monitor.fleet.complete(report));
    const samples = await acceptOrUnavailable(monitor, reports);
    response.json({ accepted: reports.length, rejected, samples, errors: result.errors });
  });

  app.post('/v1/interactions', requireScope('ingest'), async (request, response) => {
    const result = validateInteractions(request.body, monitor.now(), {
      ...timestampPolicy,
      maxItems: env.MAX_BATCH_REPORTS,
    });
    const rejected = monitor.countRejected(result.rejected);
    // Nothing kept: a 4xx naming every refused field, as /v1/ingest answers.
    if (result.items.length === 0) throw invalidFields(result.errors.map(({ path, message }) => ({ path, message })));
    try {
      await monitor.acceptInteractions(result.items);
    } catch (error) {
      throw unavailable(error);
    }
    response.json({ accepted: result.items.length, rejected, errors: result.errors });
  });

  // OTLP/HTTP traces and metrics (protobuf or JSON): the same checks and path as /v1/ingest.
  const otlp = mountOtlpRoutes(app, monitor, { timestampPolicy, admitSeries });

  // The interaction graph over [from, to] (default: the last 10 minutes), closed windows and open ones.
  app.get('/graph', async (request, response) => {
    const query = parseOrThrow(graphQuery, request.query, ['query']);
    const now = monitor.now();
    const to = query.to ?? now;
    const from = query.from ?? now - 10 * 60_000;
    if (from > to)
      throw new HttpError('SWS_INVALID_FIELD', 'query.from: must not be after query.to', [
        { path: 'query.from', message: 'must not be after query.to' },
      ]);
    const windows = [...(await store.graph.range(GRAPH_KEY, from, to)), ...monitor.graph.openWindows(from, to)];
    const graph = mergeGraph(windows, query.kind);
    response.json({
      from,
      to,
      windows: windows.length,
      ...(query.agent === undefined ? graph : neighbourhood(graph, query.agent)),
    });
  });

  app.post('/agents/:id/register', requireScope('ingest'), async (request, response) => {
    const id = agentId(request);
    const body = parseOrThrow(registerSchema, request.body ?? {});
    const { agent, created } = monitor.fleet.register(
      id,
      {
        model: body.model,
        type: body.type ?? DEFAULTS.type,
        pool: body.pool ?? DEFAULTS.pool,
        ...(body.labels ? { labels: body.labels } : {}),
      },
      monitor.now(),
    );
    agent.record.lastSeen = monitor.now();
    await store.agents.upsert([agent.record]);
    response.status(created ? 201 : 200).json(agent.record);
  });

  app.post('/agents/:id/metrics', requireScope('ingest'), async (request, response) => {
    const id = agentId(request);
    const record = known(id);
    const body = parseOrThrow(agentMetricsSchema, request.body ?? {});
    const now = monitor.now();
    const timestamp = body.timestamp ?? now;
    const problem = checkTimestamp(timestamp, now, timestampPolicy);
    if (problem)
      throw new HttpError('SWS_INVALID_FIELD', `timestamp: ${problem}`, [{ path: 'timestamp', message: problem }]);
    const over = admitSeries(id, body);
    if (over) throw new HttpError('SWS_INVALID_FIELD', `${over.path}: ${over.message}`, [over]);
    const samples = await acceptOrUnavailable(monitor, [
      {
        agentId: id,
        timestamp,
        model: record.model,
        pool: record.pool,
        type: record.type,
        metrics: body.metrics ?? {},
        quality: body.quality ?? {},
        ...(body.tools ? { tools: body.tools } : {}),
      },
    ]);
    response.json({ accepted: 1, samples });
  });

  // Every refused ingest body, whatever refused it: the body parser (malformed JSON, too large, bad encoding), the
  // API key, validation, or the bus. The error goes on to the shared handler, which answers it.
  const countRefused: ErrorRequestHandler = (error, _request, _response, next) => {
    monitor.monitorMetrics.rejectedBatches.inc({ code: toHttpError(error)?.code ?? 'SWS_INTERNAL' });
    next(error);
  };
  app.use(['/v1/ingest', '/agents/:id/metrics'], countRefused);

  app.get('/agents', async (request, response) => {
    const query = parseOrThrow(listQuery, request.query, ['query']);
    const { limit, cursor, prefix, sort, order, ...filter } = query;
    let page: { items: AgentRecord[]; next?: string | undefined };
    if (sort === 'name' && order === 'asc') {
      // Ids are listed in order, so a prefix is a range: start just before it, stop at the first id past it.
      const start = cursor ?? (prefix === undefined ? undefined : justBefore(prefix));
      const listed = await store.agents.list(filter, { limit, ...(start ? { cursor: start } : {}) });
      const items = prefix === undefined ? listed.items : listed.items.filter((agent) => agent.id.startsWith(prefix));
      page = {
        items,
        next: listed.next !== undefined && items.length === listed.items.length ? listed.next : undefined,
      };
    } else {
      const offset = cursor === undefined ? 0 : decodeCursor(cursor, sort, order);
      if (typeof offset === 'string')
        throw new HttpError('SWS_INVALID_FIELD', `query.cursor: ${offset}`, [
          { path: 'query.cursor', message: offset },
        ]);
      // Another order than the store's: every record, filtered and ordered here (O(n log n) a page; the registry
      // is one hash, no index per column).
      const matching = (await store.agents.all()).filter(
        (agent) =>
          (filter.status === undefined || agent.status === filter.status) &&
          (filter.model === undefined || agent.model === filter.model) &&
          (filter.pool === undefined || agent.pool === filter.pool) &&
          (prefix === undefined || agent.id.startsWith(prefix)),
      );
      page = sortedPage(matching, sort, order, limit, offset);
    }
    // The live health reasons beside each record, as GET /agents/:id gives them.
    response.json({
      items: page.items.map((agent) => ({
        ...agent,
        healthReasons: monitor.fleet.agents.get(agent.id)?.reasons ?? [],
      })),
      ...(page.next !== undefined ? { next: page.next } : {}),
    });
  });

  app.get('/agents/:id', async (request, response) => {
    const id = agentId(request);
    const live = monitor.fleet.agents.get(id);
    const record = live?.record ?? (await store.agents.get(id));
    if (!record) throw new HttpError('SWS_NOT_FOUND', `agent ${JSON.stringify(id)} is not registered`);
    response.json({ ...record, healthReasons: live?.reasons ?? [] });
  });

  app.get('/agents/:id/trends', async (request, response) => {
    const id = agentId(request);
    if (!monitor.fleet.agents.has(id) && !(await store.agents.get(id)))
      throw new HttpError('SWS_NOT_FOUND', `agent ${JSON.stringify(id)} is not registered`);
    response.json(await trends(monitor, `agent:${id}`, parseOrThrow(trendsQuery, request.query, ['query'])));
  });

  // Windows of any series: /windows/model/gpt-4o, /windows/pool/support, /windows/fleet/all.
  // One agent's tool (function) usage since start (this process's reports of it), most called first.
  app.get('/agents/:id/tools', async (request, response) => {
    const id = agentId(request);
    if (!monitor.fleet.agents.has(id) && !(await store.agents.get(id)))
      throw new HttpError('SWS_NOT_FOUND', `agent ${JSON.stringify(id)} is not registered`);
    response.json({ agentId: id, tools: monitor.tools.ofAgent(id).map(({ tool, totals }) => ({ tool, ...totals })) });
  });

  const seriesKey = (request: Request) => {
    const kind = parseOrThrow(seriesKind, request.params.kind, ['params', 'kind']);
    return kind === 'fleet' ? 'fleet' : `${kind}:${String(request.params.name)}`;
  };

  app.get('/windows/:kind/:name', async (request, response) => {
    response.json(await trends(monitor, seriesKey(request), parseOrThrow(trendsQuery, request.query, ['query'])));
  });

  // Latency percentiles of a series over any range, from the history (merged sketches for a pool, model or the fleet).
  app.get('/windows/:kind/:name/percentiles', async (request, response) => {
    const key = seriesKey(request);
    const query = parseOrThrow(percentilesQuery, request.query, ['query']);
    const { from, to } = rangeOf(monitor, query);
    const history = store.windows.history;
    if (!history)
      throw new HttpError(
        'SWS_NOT_FOUND',
        'percentiles over a range come from the embedded history; this platform keeps none (distributed mode, see docs/history.md)',
      );
    try {
      response.json({ key, from, to, ...(await history.percentiles(key, from, to, query.q)) });
    } catch (error) {
      // An agent's windows keep p50, p95 and p99 only: another quantile is a question they cannot answer.
      if (error instanceof RangeError)
        throw new HttpError('SWS_INVALID_FIELD', `query.q: ${error.message}`, [
          { path: 'query.q', message: error.message },
        ]);
      throw error;
    }
  });

  // Tool (function) usage over any range, from the history: by pool and tool, or by hour, pool and tool.
  app.get('/tools/usage', async (request, response) => {
    const query = parseOrThrow(toolUsageQuery, request.query, ['query']);
    const { from, to } = rangeOf(monitor, query);
    const history = store.windows.history;
    if (!history?.toolUsage)
      throw new HttpError(
        'SWS_NOT_FOUND',
        'tool usage over a range comes from the embedded history; this platform keeps none (distributed mode: each replica counts its own reports, see /metrics; docs/history.md)',
      );
    const usage = await history.toolUsage({
      fromMs: from,
      toMs: to,
      pool: query.pool,
      tool: query.tool,
      step: query.step,
    });
    response.json({
      from,
      to,
      step: query.step,
      ...(query.pool ? { pool: query.pool } : {}),
      ...(query.tool ? { tool: query.tool } : {}),
      usage,
    });
  });

  app.get('/fleet/summary', (_request, response) => {
    response.json(fleetSummary(monitor));
  });
  // The same, pushed (Server-Sent Events, `event: summary`) every FLEET_STREAM_INTERVAL_MS: the console's live numbers.
  const summaries = new EventStream('summary', () => fleetSummary(monitor), FLEET_STREAM_INTERVAL_MS);
  app.get('/fleet/summary/stream', (request, response) => summaries.subscribe(request, response));

  // Tool (function) usage since start, by pool and tool: what `swarmscope_agent_tool_*_total` counts.
  app.get('/tools', (_request, response) => {
    response.json({ tools: [...monitor.tools.entries()].map(({ pool, tool, totals }) => ({ pool, tool, ...totals })) });
  });

  return otlp;
}

/** The greatest string below every id starting with `prefix` (ids are ASCII, so U+FFFF sorts after any of their characters). */
function justBefore(prefix: string): string {
  const last = prefix.charCodeAt(prefix.length - 1);
  return `${prefix.slice(0, -1)}${String.fromCharCode(last - 1)}\uffff`;
}

/** The edges touching one agent and the nodes they join. */
function neighbourhood(graph: ReturnType<typeof mergeGraph>, agent: string): ReturnType<typeof mergeGraph> {
  const edges = graph.edges.filter((edge) => edge.from === agent || edge.to === agent);
  const ids = new Set(edges.flatMap((edge) => [edge.from, edge.to]));
  return { nodes: graph.nodes.filter((node) => ids.has(node.id)), edges };
}

async function acceptOrUnavailable(
  monitor: HealthMonitorPort,
  reports: Parameters<HealthMonitorPort['accept']>[0],
): Promise<number> {
  try {
    return await monitor.accept(reports);
  } catch (error) {
    throw unavailable(error);
  }
}

const unavailable = (error: unknown) =>
  new HttpError(
    'SWS_UNAVAILABLE',
    `the bus did not take the batch (${(error as Error).message}); nothing was kept, retry later`,
  );

/** [from, to] of a query, by default the live retention up to now. */
function rangeOf(
  monitor: HealthMonitorPort,
  range: { from?: number | undefined; to?: number | undefined },
): { from: number; to: number } {
  const now = monitor.now();
  const to = range.to ?? now;
  const from = range.from ?? now - monitor.deps.env.WINDOW_RETENTION_HOURS * 3_600_000;
  if (from > to)
    throw new HttpError('SWS_INVALID_FIELD', 'query.from: must not be after query.to', [
      { path: 'query.from', message: 'must not be after query.to' },
    ]);
  return { from, to };
}

/** Closed windows of a series over [from, to] (default: the retention), or its hours, and the slope of its latency and errors. */
async function trends(
  monitor: HealthMonitorPort,
  key: string,
  query: { from?: number | undefined; to?: number | undefined; step: 'window' | 'hour' },
) {
  const { from, to } = rangeOf(monitor, query);
  const { windows: store } = monitor.deps.store;
  if (query.step === 'hour' && !store.history) {
    throw new HttpError(
      'SWS_INVALID_FIELD',
      'query.step: hour needs the embedded history; this platform keeps none (distributed mode, see docs/history.md)',
      [{ path: 'query.step', message: 'hour needs the embedded history' }],
    );
  }
  const windows = query.step === 'hour' ? await store.history!.hourly(key, from, to) : await store.range(key, from, to);
  const perHour = (pick: (w: (typeof windows)[number]) => number) =>
    windows.length >= 2 ? linearRegression(windows.map((w) => [w.start / 3_600_000, pick(w)])).m : 0;
  return {
    key,
    from,
    to,
    step: query.step,
    windows,
    trend: {
      latencyP95SecondsPerHour: perHour((w) => w.latency.p95),
      errorRatePerHour: perHour((w) => w.errorRate),
      requestsPerHour: perHour((w) => w.count),
    },
  };
}
