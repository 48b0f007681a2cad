import { createLogger, type Incident, type IncidentChange } from '@swarmscope/core';
import { AlertmanagerSink, toAlert } from './alertmanager-sink';
import { burstIncident } from './test-support/fixtures';
import { freePort, startAlertmanager, type AlertmanagerHandle } from '@swarmscope/testkit';

const logger = createLogger({ name: 'test', level: 'silent' });

interface GettableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  status: { state: string };
  endsAt: string;
}

async function alertsOf(am: AlertmanagerHandle): Promise<GettableAlert[]> {
  return (await (await fetch(`${am.url}/api/v2/alerts`)).json()) as GettableAlert[];
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The fixture incident moved to now (Alertmanager drops alerts that ended long ago). */
function incident(over: Partial<Incident> = {}): Incident {
  const base = burstIncident();
  const shift = Date.now() - 60_000 - base.startedAt;
  return {
    ...base,
    startedAt: base.startedAt + shift,
    openedAt: base.openedAt + shift,
    updatedAt: base.updatedAt + shift,
    lastEventAt: base.lastEventAt + shift,
    ...over,
  };
}

const change = (i: Incident, kind: IncidentChange['change'] = 'opened'): IncidentChange => ({
  change: kind,
  incident: i,
});

describe('toAlert', () => {
  it('labels the incident for routing (bounded: no agent list) and explains it with its narrative', () => {
    const i = incident();
    const alert = toAlert(i, 'http://incidents:8084/');
    expect(alert.labels).toEqual({
      alertname: 'SwarmscopeIncident',
      incident_id: i.id,
      severity: 'critical',
      pool: 'support',
      model: 'multiple',
      incident_kind: 'latency_spike',
      risk: 'low',
    });
    expect(toAlert({ ...i, risk: 'high' }).labels.risk).toBe('high');
    expect(alert.annotations).toMatchObject({
      summary: 'latency spike across 12 agents of pool support',
      agents: '12',
      pools: 'support',
      models: 'gpt-4o, gpt-4o-mini',
      status: 'open',
      narrated_by: 'template',
    });
    expect(alert.annotations.cause).toBe(i.narrative.cause);
    expect(alert.annotations.next).toBe(i.narrative.next);
    expect(alert.generatorURL).toBe(`http://incidents:8084/incidents/${i.id}`);
    expect(alert.startsAt).toBe(new Date(i.startedAt).toISOString());
    expect(alert.endsAt).toBeUndefined();
    const done = toAlert({ ...i, status: 'resolved', resolvedAt: i.startedAt + 5000 });
    expect(done.endsAt).toBe(new Date(i.startedAt + 5000).toISOString());
  });
});

describe('AlertmanagerSink against a real Alertmanager', () => {
  let am: AlertmanagerHandle;
  beforeAll(async () => {
    am = await startAlertmanager();
  });
  afterAll(async () => {
    await am.stop();
  });

  it('posts an open incident as one active alert, updates it, and resolves it when the incident ends', async () => {
    const sink = new AlertmanagerSink({ url: am.url, logger });
    const open = incident();
    await sink.handle([change(open)]);
    await waitFor(async () =>
      (await alertsOf(am)).some((a) => a.labels.incident_id === open.id && a.status.state === 'active'),
    );
    const acknowledged = { ...open, status: 'acknowledged' as const };
    await sink.handle([change(acknowledged, 'acknowledged')]);
    await waitFor(async () =>
      (await alertsOf(am)).some((a) => a.labels.incident_id === open.id && a.annotations.status === 'acknowledged'),
    );
    expect((await alertsOf(am)).filter((a) => a.labels.incident_id === open.id)).toHaveLength(1);
    expect(sink.openCount).toBe(1);

    await sink.handle([
      change({ ...open, status: 'resolved', resolvedAt: Date.now(), resolution: 'manual' }, 'resolved'),
    ]);
    expect(sink.openCount).toBe(0);
    await waitFor(
      async () => !(await alertsOf(am)).some((a) => a.labels.incident_id === open.id && a.status.state === 'active'),
    );
  });

  it('counts a failed post while Alertmanager is unreachable and delivers the open alert on the next resend', async () => {
    const port = await freePort();
    const sink = new AlertmanagerSink({ url: `http://127.0.0.1:${port}`, logger, timeoutMs: 1000 });
    const open = incident({ id: 'inc-outage' });
    await sink.handle([change(open)]);
    expect(sink.failures).toBe(1);
    expect(sink.posted).toBe(0);
    const late = await startAlertmanager({ port });
    try {
      await sink.resend();
      expect(sink.failures).toBe(1);
      expect(sink.posted).toBe(1);
      await waitFor(async () =>
        (await alertsOf(late)).some((a) => a.labels.incident_id === 'inc-outage' && a.status.state === 'active'),
      );
    } finally {
      await late.stop();
    }
  });
});
