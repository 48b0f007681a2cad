import {
  HttpError,
  createHttpApp,
  createLogger,
  createServiceMetrics,
  listen,
  parseOrThrow,
  requireScope,
  type Logger,
  type RunningServer,
} from '@swarmscope/core';
import { z } from 'zod';
import type { ScaleRecord } from './truth';

/** What the control endpoint drives: the runner. */
export interface ControlTarget {
  pools(): Array<{ pool: string; agents: number }>;
  scale(pool: string, replicas: number): ScaleRecord;
}

export interface ControlServerOptions {
  /** 0 picks a free port. */
  port: number;
  /** Interface to listen on (default 127.0.0.1; `0.0.0.0` in a container whose autoscaler reaches it over the network). */
  host?: string;
  /** When set, POST needs `Authorization: Bearer <key>` of an admin (or unscoped) key: 401 without, 403 otherwise. */
  apiKeys?: readonly string[];
  logger?: Logger;
}

/** Most agents one pool may be scaled to through the endpoint. */
export const MAX_REPLICAS = 100_000;

const scaleBody = z.object({
  replicas: z
    .number({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a number') })
    .int('must be a whole number')
    .min(0, 'must be ≥ 0')
    .max(MAX_REPLICAS, `must be ≤ ${MAX_REPLICAS}`),
});

/**
 * The simulator's control endpoint (on 127.0.0.1 unless `host` says otherwise): `GET /pools` lists pools and their agents,
 * `POST /pools/:pool/scale {"replicas": n}` adds or removes agents (the autoscaler's actuator). Errors are the
 * platform's: JSON with a stable code and a message naming the field.
 */
export async function startControlServer(target: ControlTarget, options: ControlServerOptions): Promise<RunningServer> {
  const logger = options.logger ?? createLogger({ name: 'simulator', level: 'silent' });
  const app = createHttpApp({
    service: 'simulator',
    logger,
    metrics: createServiceMetrics('simulator'),
    apiKeys: options.apiKeys ?? [],
    bodyLimitBytes: 16 * 1024,
    readiness: [],
    routes(app) {
      app.get('/pools', (_request, response) => {
        response.json({ pools: target.pools() });
      });
      app.post('/pools/:pool/scale', requireScope('admin'), (request, response) => {
        const pool = String(request.params.pool);
        const known = target.pools().map((p) => p.pool);
        if (!known.includes(pool)) {
          throw new HttpError(
            'SWS_NOT_FOUND',
            `pool: no pool named ${JSON.stringify(pool)} (pools: ${known.join(', ')})`,
            [{ path: 'pool', message: 'no such pool' }],
          );
        }
        const body = parseOrThrow(scaleBody, request.body ?? {});
        const record = target.scale(pool, body.replicas);
        logger.info({ pool, previous: record.previous, replicas: record.replicas }, 'pool scaled');
        response.json({ pool, previous: record.previous, replicas: record.replicas, at: record.at });
      });
    },
  });
  return listen(app, { port: options.port, host: options.host ?? '127.0.0.1' });
}
