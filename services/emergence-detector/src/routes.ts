import {
  analyzeInteractionSchema,
  analyzeReportSchema,
  EMERGENCE_TYPES,
  parseOrThrow,
  REPORT_DEFAULTS,
  requireScope,
  type Interaction,
  type SampleReport,
  sinceQuery,
  limitQuery,
} from '@swarmscope/core';
import type { Express } from 'express';
import { z } from 'zod';
import type { TickResult } from './engine-protocol';
import type { EngineThread } from './engine-thread';
import type { EmergenceDetectorEnv } from './env';
import type { EventLog } from './event-log';

/** What the routes use of the service (a narrow port: `EmergenceDetector` implements it, the routes see nothing else). */
export interface EmergenceDetectorPort {
  readonly deps: { readonly env: Pick<EmergenceDetectorEnv, 'EMERGENCE_MAX_BATCH' | 'MAX_FUTURE_SKEW_SECONDS'> };
  readonly engine: Pick<EngineThread, 'agentsTracked' | 'fleetState' | 'horizon' | 'networkMeasures' | 'openEvents'>;
  readonly log: Pick<EventLog, 'query'>;
  ingest(reports: SampleReport[]): void;
  ingestInteractions(interactions: Interaction[]): void;
  analyseClosed(watermarkMs?: number): Promise<TickResult[]>;
}

const epochMs = z
  .number({ error: 'must be epoch milliseconds' })
  .int('must be whole epoch milliseconds')
  .nonnegative('must be ≥ 0');

const eventsQuery = z.object({
  type: z.enum(EMERGENCE_TYPES, { error: `must be one of ${EMERGENCE_TYPES.join(', ')}` }).optional(),
  since: sinceQuery,
  limit: limitQuery,
});

/** emergence-detector's HTTP API: the seed's routes kept, plus the fleet's order parameters. */
export function mountRoutes(app: Express, detector: EmergenceDetectorPort): void {
  const maxBatch = detector.deps.env.EMERGENCE_MAX_BATCH;
  const maxFutureMs = detector.deps.env.MAX_FUTURE_SKEW_SECONDS * 1000;
  const notAhead = (schema: z.ZodNumber) =>
    schema.refine(
      (t) => t <= Date.now() + maxFutureMs,
      `more than ${detector.deps.env.MAX_FUTURE_SKEW_SECONDS} s in the future (MAX_FUTURE_SKEW_SECONDS)`,
    );
  // The ingest report's schema and limits (one source for every route that takes a report).
  const sample = analyzeReportSchema.extend({ timestamp: notAhead(epochMs) });
  const interaction = analyzeInteractionSchema.extend({ timestamp: notAhead(epochMs) });
  const analyzeBody = z.strictObject({
    samples: z.array(sample).max(maxBatch, `must hold at most ${maxBatch} samples`).default([]),
    interactions: z.array(interaction).max(maxBatch, `must hold at most ${maxBatch} interactions`).default([]),
    /** Analyse every tick closed by this data time (default: the newest data minus the lateness). */
    until: notAhead(epochMs).optional(),
  });

  // Runs the analysis now, on what the bus brought and on any posted data (the same engine and state). Admin: it
  // moves the analysis clock (`until`) for everyone.
  app.post('/analyze', requireScope('admin'), async (request, response) => {
    const body = parseOrThrow(analyzeBody, request.body ?? {});
    detector.ingest(body.samples.map(withDefaults));
    detector.ingestInteractions(body.interactions);
    const analyses = await detector.analyseClosed(body.until);
    response.json({
      ticks: analyses.length,
      accepted: { samples: body.samples.length, interactions: body.interactions.length },
      changes: analyses.flatMap((a) => a.changes),
      state: detector.engine.fleetState().now ?? null,
    });
  });

  app.get('/events', (request, response) => {
    const query = parseOrThrow(eventsQuery, request.query, ['query']);
    response.json({ items: detector.log.query(query), open: detector.engine.openEvents().length });
  });

  app.get('/network/analysis', (_request, response) => {
    const n = detector.engine.networkMeasures();
    response.json({
      nodes: n?.nodes ?? 0,
      edges: n?.edges ?? 0,
      density: n?.density ?? 0,
      clustering: n?.clustering ?? 0,
      degree: n?.degree ?? { mean: 0, max: 0, median: 0 },
      modularity: n?.modularity ?? 0,
      communities: n?.communities ?? [],
      hubs: n?.hubs ?? [],
    });
  });

  app.get('/fleet/state', (_request, response) => {
    const { now, history } = detector.engine.fleetState();
    response.json({
      now: now ?? null,
      history,
      openEvents: detector.engine.openEvents(),
      agentsTracked: detector.engine.agentsTracked,
      horizon: detector.engine.horizon(),
    });
  });
}

/** A posted report as the engine takes it: the agent's model, pool and type default as at ingest. */
function withDefaults(report: z.infer<typeof analyzeReportSchema>): SampleReport {
  return {
    ...report,
    model: report.model ?? REPORT_DEFAULTS.model,
    pool: report.pool ?? REPORT_DEFAULTS.pool,
    type: report.type ?? REPORT_DEFAULTS.type,
    metrics: report.metrics ?? {},
    quality: report.quality ?? {},
  };
}
