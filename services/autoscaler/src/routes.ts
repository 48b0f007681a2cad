import {
  HttpError,
  parseOrThrow,
  requireScope,
  toFieldIssues,
  invalidFields,
  sinceQuery,
  limitQuery,
} from '@swarmscope/core';
import type { Express } from 'express';
import { z } from 'zod';
import type { EfficiencyTracker } from './efficiency';
import type { AutoscalerEvent, EventLog } from './event-log';
import { policyPatchSchema } from './policy';
import type { PolicyBook } from './policy-book';
import type { Decision } from './pool-controller';

/** What the routes use of the service (a narrow port: `Autoscaler` implements it, the routes see nothing else). */
export interface AutoscalerPort {
  readonly policies: Pick<PolicyBook, 'all'>;
  readonly decisions: Pick<EventLog<Decision>, 'query'>;
  readonly events: Pick<EventLog<AutoscalerEvent>, 'query'>;
  readonly efficiency: Pick<EfficiencyTracker, 'report'>;
  analyze(pool?: string): Promise<Decision[]>;
  knowsPool(pool: string): boolean;
  policyFor(pool: string): ReturnType<PolicyBook['get']>;
  applyPolicy(patch: { pool: string } & Record<string, unknown>): Promise<ReturnType<PolicyBook['apply']>>;
}

const pool = z.string().min(1, 'must not be empty').max(128, 'must be at most 128 characters');
const listQuery = z.object({
  pool: pool.optional(),
  since: sinceQuery,
  limit: limitQuery,
});
const analyzeBody = z.object({ pool: pool.optional() }).strict();

/** autoscaler's HTTP API; its writes change decisions, so they need an admin key. */
export function mountRoutes(app: Express, autoscaler: AutoscalerPort): void {
  // Decides now: closes the current tick early and runs every strategy for every pool (or one).
  app.post('/analyze', requireScope('admin'), async (request, response) => {
    const body = parseOrThrow(analyzeBody, request.body ?? {});
    if (body.pool !== undefined && !autoscaler.knowsPool(body.pool)) {
      throw new HttpError('SWS_NOT_FOUND', `pool: no samples or policy for ${JSON.stringify(body.pool)} yet`, [
        { path: 'pool', message: 'unknown pool' },
      ]);
    }
    response.json({ decisions: await autoscaler.analyze(body.pool) });
  });

  app.get('/decisions', (request, response) => {
    const query = parseOrThrow(listQuery, request.query, ['query']);
    response.json({ items: autoscaler.decisions.query(definedOnly(query)) });
  });

  app.get('/events', (request, response) => {
    const query = parseOrThrow(listQuery, request.query, ['query']);
    response.json({ items: autoscaler.events.query(definedOnly(query)) });
  });

  app.get('/policies', (_request, response) => {
    response.json({ policies: autoscaler.policies.all() });
  });

  app.get('/policies/:pool', (request, response) => {
    const name = parseOrThrow(pool, request.params.pool, ['params', 'pool']);
    response.json(autoscaler.policyFor(name));
  });

  // Creates or changes one pool's policy: only the fields given change; the result is validated as a whole.
  app.post('/policies', requireScope('admin'), async (request, response) => {
    const patch = parseOrThrow(policyPatchSchema, request.body ?? {});
    const result = await autoscaler.applyPolicy(patch as { pool: string } & Record<string, unknown>);
    if ('error' in result) throw invalidFields(toFieldIssues(result.error));
    response.json(result);
  });

  app.get('/efficiency', (_request, response) => {
    response.json({ pools: autoscaler.efficiency.report() });
  });
}

/** zod gives `undefined` for absent optional fields; the log's query wants them absent. */
function definedOnly<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}
