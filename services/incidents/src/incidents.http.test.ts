import {
  createLogger,
  MemoryBus,
  MemoryStore,
  parseEnv,
  topics,
  type AnomalyEvent,
  type Incident,
  type IncidentChange,
} from '@swarmscope/core';
import { incidentsEnv } from './env';
import { runIncidents, type RunningIncidents } from './run';
import { startLlmStandIn, type LlmStandIn } from './test-support/llm-stand-in';
import { startAlertmanager, type AlertmanagerHandle } from '@swarmscope/testkit';

const logger = createLogger({ name: 'test', level: 'silent' });
const KEY = 'secret-key';

interface GettableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  status: { state: string };
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** An anomaly as the anomaly-detector publishes it, at wall time (the service steps on the wall clock). */
function anomaly(agentId: string, over: Partial<AnomalyEvent> = {}): AnomalyEvent {
  const now = Date.now();
  return {
    id: `${agentId}:${now}:1`,
    event: 'opened',
    time: now,
    startedAt: now,
    agentId,
    model: agentId.endsWith('1') ? 'gpt-4o-mini' : 'gpt-4o',
    pool: 'support',
    type: 'latency_spike',
    severity: 'high',
    score: 0.9,
    confidence: 0.8,
    detectors: ['latency_slo'],
    features: ['response_time_seconds'],
    evidence: { value: 6.1, baseline: 0.9 },
    explanation: 'slow',
    ...over,
  };
}

describe('incidents service', () => {
  let am: AlertmanagerHandle;
  let llm: LlmStandIn;
  let bus: MemoryBus;
  let store: MemoryStore;
  let running: RunningIncidents;
  let url: string;
  const env = () =>
    parseEnv(incidentsEnv, {
      INCIDENTS_PORT: '0',
      LOG_LEVEL: 'silent',
      API_KEYS: KEY,
      BUS_SHARDS: '4',
      INCIDENT_TICK_SECONDS: '0.05',
      INCIDENT_GROUP_WAIT_SECONDS: '0.3',
      INCIDENT_QUIET_SECONDS: '0.5',
      ALERTMANAGER_URL: am.url,
      ALERT_RESEND_SECONDS: '5',
      PUBLIC_URL: 'http://incidents.example:8084',
      LLM_URL: llm.url,
      LLM_MODEL: 'llama3.1:8b',
    });

  beforeAll(async () => {
    am = await startAlertmanager();
    llm = await startLlmStandIn();
  });
  afterAll(async () => {
    await llm.close();
    await am.stop();
  });
  beforeEach(async () => {
    bus = new MemoryBus({ shards: 4 });
    store = new MemoryStore({ windowRetentionMs: 3_600_000 });
    running = await runIncidents(env(), { bus, store }, logger);
    url = running.server.url;
  });
  afterEach(async () => {
    await running.stop();
    await bus.close();
    await store.close();
  });

  const post = (path: string, body: unknown, key: string | null = KEY) =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify(body),
    });
  const list = async (query = '') =>
    (await (await fetch(`${url}/incidents${query}`)).json()) as { items: Incident[]; open: number };
  const alerts = async () =>
    ((await (await fetch(`${am.url}/api/v2/alerts`)).json()) as GettableAlert[]).filter(
      (a) => a.labels.alertname === 'SwarmscopeIncident',
    );

  it('turns a burst of anomalies of agents that work together into one incident: stored, published, explained by the LLM, one Alertmanager alert', async () => {
    const published: IncidentChange[] = [];
    const subscription = bus.subscribe(
      topics.incidents,
      { group: 'test', consumer: 'c', startFrom: 'earliest' },
      async (messages) => {
        for (const m of messages) published.push(m.payload);
      },
    );
    // The eight hand work to support-0 (their evidence of a common cause: the interaction graph), read before the
    // anomalies have waited out the group wait.
    const now = Date.now();
    await bus.publish(
      topics.interactions,
      1,
      Array.from({ length: 7 }, (_, i) => ({
        from: `support-${i + 1}`,
        to: 'support-0',
        kind: 'delegation' as const,
        outcome: 'success' as const,
        latencySeconds: 0.3,
        timestamp: now,
      })),
    );
    await waitFor('the interactions read', async () =>
      running.service.correlator.graphAgents === 8 ? true : undefined,
    );
    const events = Array.from({ length: 8 }, (_, i) => anomaly(`support-${i}`));
    // One batch: the eight are read together, so the incident opens with all of them (and is narrated once).
    await bus.publish(topics.anomalies, 0, events);

    const incident = await waitFor('an LLM-narrated incident of 8 agents', async () => {
      const { items } = await list();
      return items.length === 1 && items[0]!.agentCount === 8 && items[0]!.narrative.source === 'llm'
        ? items[0]
        : undefined;
    });
    expect(incident).toMatchObject({
      status: 'open',
      severity: 'high',
      pools: ['support'],
      models: ['gpt-4o', 'gpt-4o-mini'],
      anomalyCount: 8,
    });
    expect(incident.narrative).toMatchObject({
      source: 'llm',
      model: 'llama3.1:8b',
      template: 'explain_incident_anomalies_v1',
    });
    expect(incident.timeline.map((e) => e.kind)).toContain('narrated');
    expect(llm.requests).toHaveLength(1);

    // Alertmanager gets the incident, not eight anomalies.
    const [alert, ...others] = await waitFor('the alert', async () => {
      const active = (await alerts()).filter(
        (a) =>
          a.labels.incident_id === incident.id &&
          a.status.state === 'active' &&
          a.annotations.narrated_by === 'llm llama3.1:8b',
      );
      return active.length ? active : undefined;
    });
    expect(others).toEqual([]);
    expect(alert!.labels).toMatchObject({
      severity: 'high',
      risk: 'low',
      pool: 'support',
      model: 'multiple',
      incident_kind: 'latency_spike',
    });
    expect(alert!.annotations.cause).toContain('shared dependency');
    expect(await alerts()).toHaveLength(1);

    await waitFor('the published opening', async () =>
      published.some((c) => c.change === 'opened' && c.incident.id === incident.id) ? true : undefined,
    );
    await subscription.close();

    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/swarmscope_incidents_opened_total\{severity="high",risk="low",service="incidents"\} 1/);
    // Every known combination is there from the start, at 0 until it happens.
    expect(metrics).toMatch(
      /swarmscope_incidents_opened_total\{severity="critical",risk="high",service="incidents"\} 0/,
    );
    expect(metrics).toMatch(
      /swarmscope_incidents_resolved_total\{resolution="merged",risk="medium",service="incidents"\} 0/,
    );
    expect(metrics).toMatch(/swarmscope_incidents\{status="open",severity="high",risk="low",service="incidents"\} 1/);
    expect(metrics).toMatch(/swarmscope_incident_events_total\{kind="anomaly",event="opened",service="incidents"\} 8/);
    expect(metrics).toMatch(/swarmscope_incident_narrations_total\{source="llm",reason="none",service="incidents"\} 1/);
  });

  it('serves and filters incidents, refusing bad filters with the field named', async () => {
    await bus.publish(topics.anomalies, 0, [
      anomaly('coding-7', { pool: 'coding', severity: 'medium', type: 'request_rate', risk: 'high' }),
    ]);
    const incident = await waitFor('the incident', async () => (await list()).items[0]);
    expect(incident.risk).toBe('high');
    expect((await list('?status=open&pool=coding&severity=medium&risk=high')).items.map((i) => i.id)).toEqual([
      incident.id,
    ]);
    expect((await list('?risk=low')).items).toEqual([]);
    expect((await list('?pool=support')).items).toEqual([]);
    expect((await list('?agent=coding-7')).items.map((i) => i.id)).toEqual([incident.id]);
    expect((await list('?agent=coding-8')).items).toEqual([]);
    // `since` is about changes: none an hour from now (the narration may still update it meanwhile).
    expect((await list(`?since=${Date.now() + 3_600_000}`)).items).toEqual([]);
    expect((await list(`?since=${incident.openedAt}`)).items.map((i) => i.id)).toEqual([incident.id]);
    expect(((await (await fetch(`${url}/incidents/${incident.id}`)).json()) as Incident).id).toBe(incident.id);

    for (const [query, field] of [
      ['?status=bogus', 'query.status'],
      ['?severity=urgent', 'query.severity'],
      ['?risk=severe', 'query.risk'],
      ['?limit=0', 'query.limit'],
      ['?since=yesterday', 'query.since'],
      ['?agent=', 'query.agent'],
      ['?colour=red', 'query.colour'],
    ]) {
      const response = await fetch(`${url}/incidents${query}`);
      const body = (await response.json()) as {
        error: { code: string; message: string; issues: Array<{ path: string }> };
      };
      expect({ query, status: response.status, code: body.error.code }).toEqual({
        query,
        status: 400,
        code: 'SWS_INVALID_FIELD',
      });
      expect(body.error.issues[0]!.path).toBe(field);
    }
    const missing = await fetch(`${url}/incidents/inc-nope`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('SWS_NOT_FOUND');
  });

  it('lists early warnings as advisories, apart from incidents, and refuses bad filters with the field named', async () => {
    const now = Date.now();
    const agents = Array.from({ length: 30 }, (_, i) => `research-${i}`);
    const warning = {
      id: 'em-early_warning-1',
      event: 'opened' as const,
      type: 'early_warning' as const,
      time: now,
      startedAt: now,
      scope: 'research',
      magnitude: 0.72,
      confidence: 0.8,
      agents,
      communities: [0],
      window: { from: now - 600_000, to: now },
      evidence: { variance_trend: 0.6, autocorrelation_trend: 0.5 },
      explanation: 'variance and autocorrelation rising in research',
    };
    await bus.publish(topics.emergence, 0, [warning]);
    const advisories = async (query = '') =>
      (await fetch(`${url}/advisories${query}`)).json() as Promise<{
        items: Array<{ id: string; status: string; agentCount: number; scope: string }>;
        active: number;
      }>;
    const listed = await waitFor('the advisory', async () =>
      (await advisories()).items.length === 1 ? advisories() : undefined,
    );
    expect(listed).toMatchObject({
      active: 1,
      items: [{ id: warning.id, status: 'active', scope: 'research', agentCount: 30 }],
    });
    // An anomaly of one of its agents is an incident of its own, the warning is not part of it.
    await bus.publish(topics.anomalies, 0, [anomaly('research-3', { pool: 'research' })]);
    const incident = await waitFor('the incident', async () => (await list()).items[0]);
    expect(incident).toMatchObject({ agents: ['research-3'], emergence: [] });
    expect((await advisories('?status=ended')).items).toEqual([]);
    expect((await advisories('?scope=research&status=active')).items.map((a) => a.id)).toEqual([warning.id]);
    expect(await (await fetch(`${url}/metrics`)).text()).toMatch(
      /swarmscope_incident_advisories\{service="incidents"\} 1/,
    );
    for (const [query, field] of [
      ['?status=over', 'query.status'],
      ['?limit=5000', 'query.limit'],
      ['?scope=', 'query.scope'],
      ['?colour=red', 'query.colour'],
    ]) {
      const response = await fetch(`${url}/advisories${query}`);
      const body = (await response.json()) as { error: { code: string; issues: Array<{ path: string }> } };
      expect({ query, status: response.status, code: body.error.code, field: body.error.issues[0]!.path }).toEqual({
        query,
        status: 400,
        code: 'SWS_INVALID_FIELD',
        field,
      });
    }
  });

  it('acknowledges and resolves by hand with the API key, answering 401/403/404/409/400 as it should', async () => {
    await bus.publish(topics.anomalies, 0, [anomaly('triage-3', { pool: 'triage' })]);
    const incident = await waitFor('the incident', async () => (await list()).items[0]);
    const path = `/incidents/${incident.id}`;

    expect((await post(`${path}/ack`, {}, null)).status).toBe(401);
    expect((await post(`${path}/ack`, {}, 'wrong')).status).toBe(403);
    expect((await post('/incidents/inc-nope/ack', {})).status).toBe(404);
    const bad = await post(`${path}/ack`, { by: '' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { issues: Array<{ path: string }> } }).error.issues[0]!.path).toBe('by');
    expect((await post(`${path}/ack`, { who: 'alice' })).status).toBe(400);

    const acked = await post(`${path}/ack`, { by: 'alice' });
    expect(acked.status).toBe(200);
    expect((await acked.json()) as Incident).toMatchObject({
      status: 'acknowledged',
      timeline: expect.arrayContaining([expect.objectContaining({ kind: 'acknowledged', by: 'alice' })]),
    });
    const twice = await post(`${path}/ack`, { by: 'bob' });
    expect(twice.status).toBe(409);
    expect(((await twice.json()) as { error: { code: string } }).error.code).toBe('SWS_CONFLICT');

    await waitFor('the alert', async () =>
      (await alerts()).some((a) => a.labels.incident_id === incident.id && a.status.state === 'active')
        ? true
        : undefined,
    );
    const done = await post(`${path}/resolve`, { by: 'alice', note: 'restarted the retriever' });
    expect(done.status).toBe(200);
    expect((await done.json()) as Incident).toMatchObject({ status: 'resolved', resolution: 'manual' });
    expect((await post(`${path}/resolve`, {})).status).toBe(409);
    expect((await post(`${path}/ack`, {})).status).toBe(409);
    expect(((await (await fetch(`${url}${path}`)).json()) as Incident).status).toBe('resolved');
    await waitFor('the alert resolved', async () =>
      (await alerts()).some((a) => a.labels.incident_id === incident.id && a.status.state === 'active')
        ? undefined
        : true,
    );
  });

  it('resolves an incident by itself once its events end and it stays quiet', async () => {
    const event = anomaly('research-5', { pool: 'research' });
    await bus.publish(topics.anomalies, 2, [event]);
    const incident = await waitFor('the incident', async () => (await list()).items[0]);
    await bus.publish(topics.anomalies, 2, [{ ...event, event: 'resolved', time: Date.now(), endedAt: Date.now() }]);
    const done = await waitFor('auto-resolved', async () => {
      const stored = (await (await fetch(`${url}/incidents/${incident.id}`)).json()) as Incident;
      return stored.status === 'resolved' ? stored : undefined;
    });
    expect(done.resolution).toBe('auto');
  });

  it('takes back unresolved incidents after a restart over the same store', async () => {
    await bus.publish(topics.anomalies, 0, [anomaly('support-9')]);
    const incident = await waitFor('the incident', async () => (await list()).items[0]);
    await running.stop();
    running = await runIncidents(env(), { bus, store }, logger);
    url = running.server.url;
    expect(running.service.correlator.get(incident.id)?.agents).toEqual(['support-9']);
    expect((await post(`/incidents/${incident.id}/ack`, { by: 'carol' })).status).toBe(200);
  });
});
