import {
  agentIdSchema as agentId,
  detectReportSchema,
  HttpError,
  parseOrThrow,
  REPORT_DEFAULTS,
  requireScope,
  RISK_CLASSES,
  SEVERITIES,
  type AnomalyEvent,
  type SampleReport,
  sinceQuery,
  limitQuery,
} from '@swarmscope/core';
import type { Express } from 'express';
import { z } from 'zod';
import type { AnomalyLog } from '../anomaly-log';
import type { AnomalyEngine, ReportVerdict } from '../engine/engine-port';
import type { AnomalyDetectorEnv } from '../env';

/** What the routes use of the service (a narrow port: `AnomalyDetector` implements it, the routes see nothing else). */
export interface AnomalyDetectorPort {
  readonly deps: { readonly env: AnomalyDetectorEnv; readonly engine: AnomalyEngine };
  readonly log: Pick<AnomalyLog, 'get' | 'query'>;
  readonly now: () => number;
  readonly ownedShards: number[];
  score(report: SampleReport): Promise<{ verdict: ReportVerdict; events: AnomalyEvent[] }>;
  emit(events: AnomalyEvent[]): Promise<void>;
}

const name = z.string().min(1).max(128);

const anomaliesQuery = z.object({
  severity: z.enum(SEVERITIES, { error: `must be one of ${SEVERITIES.join(', ')}` }).optional(),
  type: name.optional(),
  pool: name.optional(),
  risk: z.enum(RISK_CLASSES, { error: `must be one of ${RISK_CLASSES.join(', ')}` }).optional(),
  status: z.enum(['open', 'resolved'], { error: 'must be open or resolved' }).optional(),
  since: sinceQuery,
  limit: limitQuery,
});

/** anomaly-detector's HTTP API: the seed's routes, kept, plus the fleet-wide list and the active configuration. */
export function mountRoutes(app: Express, detector: AnomalyDetectorPort): void {
  // Scores posted metrics now, through the same engine (and the same per-agent state) as the bus path.
  app.post('/detect/:agentId', requireScope('ingest'), async (request, response) => {
    const id = parseOrThrow(agentId, request.params.agentId, ['params', 'agentId']);
    // The ingest report's schema and limits (one source for every route that takes a report).
    const body = parseOrThrow(detectReportSchema, request.body ?? {});
    const now = detector.now();
    const maxFutureMs = detector.deps.env.MAX_FUTURE_SKEW_SECONDS * 1000;
    if (body.timestamp !== undefined && body.timestamp > now + maxFutureMs) {
      const message = `more than ${detector.deps.env.MAX_FUTURE_SKEW_SECONDS} s in the future (MAX_FUTURE_SKEW_SECONDS)`;
      throw new HttpError('SWS_INVALID_FIELD', `timestamp: ${message}`, [{ path: 'timestamp', message }]);
    }
    const report: SampleReport = {
      agentId: id,
      timestamp: body.timestamp ?? now,
      model: body.model ?? REPORT_DEFAULTS.model,
      pool: body.pool ?? REPORT_DEFAULTS.pool,
      type: body.type ?? REPORT_DEFAULTS.type,
      metrics: body.metrics ?? {},
      quality: body.quality ?? {},
      ...(body.labels ? { labels: body.labels } : {}),
      ...(body.tools ? { tools: body.tools } : {}),
    };
    const { verdict, events } = await detector.score(report);
    await detector.emit(events);
    response.json({ agentId: id, ...verdict, events });
  });

  app.get('/agents/:agentId/anomalies', (request, response) => {
    const id = parseOrThrow(agentId, request.params.agentId, ['params', 'agentId']);
    const query = parseOrThrow(anomaliesQuery, request.query, ['query']);
    response.json({ agentId: id, items: detector.log.query({ ...definedOnly(query), agentId: id }) });
  });

  app.get('/anomalies', (request, response) => {
    const query = parseOrThrow(anomaliesQuery, request.query, ['query']);
    response.json({ items: detector.log.query(definedOnly(query)) });
  });

  app.get('/anomalies/:id', (request, response) => {
    const record = detector.log.get(String(request.params.id));
    if (!record) throw new HttpError('SWS_NOT_FOUND', `anomaly ${JSON.stringify(request.params.id)} is not known here`);
    response.json(record);
  });

  app.get('/detectors', (_request, response) => {
    const { env } = detector.deps;
    response.json({
      engine: detector.deps.engine.describe(),
      bus: {
        group: 'anomaly-detector',
        consumer: env.BUS_CONSUMER,
        preferredShards: env.ANOMALY_SHARDS ?? 'all',
        shards: detector.ownedShards,
      },
      agents: detector.deps.engine.agents(),
      stateBytes: detector.deps.engine.stateBytes(),
      // Baselines are learned from reports, also after a restart: how many agents are not warm yet.
      warmUp: detector.deps.engine.warmUp?.() ?? null,
    });
  });
}

/** zod gives `undefined` for absent optional fields; the log's query wants them absent. */
function definedOnly<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}
