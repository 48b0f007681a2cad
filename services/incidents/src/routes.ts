import {
  HttpError,
  INCIDENT_STATUSES,
  parseOrThrow,
  requireScope,
  RISK_CLASSES,
  SEVERITIES,
  type Incident,
  type Store,
  sinceQuery,
  limitQuery,
} from '@swarmscope/core';
import type { Express, Response } from 'express';
import { z } from 'zod';
import type { ActionRefusal, Correlator } from './correlator';

/** What an acknowledge or resolve came to: the incident as it now stands, or why the correlator refused. */
export type ActionOutcome = { incident: Incident } | { refused: ActionRefusal };

/** What the routes use of the service (a narrow port: `IncidentService` implements it, the routes see nothing else). */
export interface IncidentsPort {
  readonly deps: { readonly store: Pick<Store, 'incidents'> };
  readonly correlator: Pick<Correlator, 'activeCount' | 'activeAdvisories' | 'advisories' | 'get'>;
  acknowledge(id: string, by: string): Promise<ActionOutcome>;
  resolve(id: string, by: string, note?: string): Promise<ActionOutcome>;
}

const id = z.string().min(1, 'must not be empty').max(200, 'must be at most 200 characters');
const listQuery = z
  .object({
    status: z.enum(INCIDENT_STATUSES, { error: `must be one of ${INCIDENT_STATUSES.join(', ')}` }).optional(),
    severity: z.enum(SEVERITIES, { error: `must be one of ${SEVERITIES.join(', ')}` }).optional(),
    risk: z.enum(RISK_CLASSES, { error: `must be one of ${RISK_CLASSES.join(', ')}` }).optional(),
    pool: z.string().min(1, 'must not be empty').max(128, 'must be at most 128 characters').optional(),
    agent: z.string().min(1, 'must not be empty').max(200, 'must be at most 200 characters').optional(),
    since: sinceQuery,
    limit: limitQuery,
  })
  .strict();
const advisoryQuery = z
  .object({
    status: z.enum(['active', 'ended'], { error: 'must be one of active, ended' }).optional(),
    scope: z.string().min(1, 'must not be empty').max(128, 'must be at most 128 characters').optional(),
    limit: limitQuery,
  })
  .strict();
const who = z.string().min(1, 'must not be empty').max(128, 'must be at most 128 characters');
const ackBody = z.object({ by: who.default('api') }).strict();
const resolveBody = z
  .object({
    by: who.default('api'),
    note: z.string().min(1, 'must not be empty').max(1000, 'must be at most 1000 characters').optional(),
  })
  .strict();

/** incidents' HTTP API (writes need the API key: createHttpApp's auth covers every POST). */
export function mountRoutes(app: Express, service: IncidentsPort): void {
  app.get('/incidents', async (request, response) => {
    const { limit, ...filter } = parseOrThrow(listQuery, request.query, ['query']);
    const defined = Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined));
    const items = await service.deps.store.incidents.list(defined, limit);
    response.json({ items, open: service.correlator.activeCount });
  });

  // Early warnings: worth a look, never an incident (held in memory: the active ones and the latest ended ones).
  app.get('/advisories', (request, response) => {
    const { limit, ...filter } = parseOrThrow(advisoryQuery, request.query, ['query']);
    const defined = Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined));
    response.json({
      items: service.correlator.advisories(defined, limit),
      active: service.correlator.activeAdvisories,
    });
  });

  app.get('/incidents/:id', async (request, response) => {
    const incidentId = parseOrThrow(id, request.params.id, ['params', 'id']);
    const incident = (await service.deps.store.incidents.get(incidentId)) ?? service.correlator.get(incidentId);
    if (!incident) throw notFound(incidentId);
    response.json(incident);
  });

  // Acknowledging and resolving change what on-call sees and what Alertmanager holds: admin keys only.
  app.post('/incidents/:id/ack', requireScope('admin'), async (request, response) => {
    const incidentId = parseOrThrow(id, request.params.id, ['params', 'id']);
    const body = parseOrThrow(ackBody, request.body ?? {});
    answer(response, incidentId, await service.acknowledge(incidentId, body.by));
  });

  app.post('/incidents/:id/resolve', requireScope('admin'), async (request, response) => {
    const incidentId = parseOrThrow(id, request.params.id, ['params', 'id']);
    const body = parseOrThrow(resolveBody, request.body ?? {});
    answer(response, incidentId, await service.resolve(incidentId, body.by, body.note));
  });
}

function answer(response: Response, incidentId: string, outcome: ActionOutcome): void {
  if ('incident' in outcome) {
    response.json(outcome.incident);
    return;
  }
  if (outcome.refused === 'unknown') throw notFound(incidentId);
  throw new HttpError('SWS_CONFLICT', `id: incident ${JSON.stringify(incidentId)} is already ${outcome.refused}`, [
    { path: 'id', message: `already ${outcome.refused}` },
  ]);
}

function notFound(incidentId: string): HttpError {
  return new HttpError('SWS_NOT_FOUND', `id: no incident ${JSON.stringify(incidentId)}`, [
    { path: 'id', message: 'unknown incident' },
  ]);
}
