import { createLogger, freePort, startAlertmanager, type AlertmanagerHandle, type AnomalyEvent } from '@swarmscope/core';
import { AlertmanagerSink, toAlert } from './alertmanager-sink';

const logger = createLogger({ name: 'test', level: 'silent' });
const now = Date.now();

const event = (over: Partial<AnomalyEvent> = {}): AnomalyEvent => ({
  id: 'an-1',
  event: 'opened',
  time: now,
  startedAt: now - 60_000,
  agentId: 'agent-7',
  model: 'gpt-4o',
  pool: 'support',
  type: 'latency_spike',
  severity: 'high',
  score: 0.93,
  confidence: 0.8,
  risk: 'low',
  detectors: ['robust_zscore', 'range_novelty'],
  features: ['response_time_seconds'],
  evidence: { value: 9.2, baseline: 0.8 },
  explanation: 'response_time_seconds 9.2 s is 11.5× its baseline of 0.8 s.',
  ...over,
});

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

describe('toAlert', () => {
  it('labels the alert for routing and explains it in annotations', () => {
    const alert = toAlert(event(), 'http://detector:8081');
    expect(alert.labels).toEqual({
      alertname: 'SwarmscopeAnomaly',
      anomaly_id: 'an-1',
      agent_id: 'agent-7',
      pool: 'support',
      model: 'gpt-4o',
      anomaly_type: 'latency_spike',
      severity: 'high',
      risk: 'low',
    });
    expect(alert.annotations.summary).toBe('latency spike on agent agent-7 (pool support, gpt-4o), score 0.93');
    expect(alert.annotations.description).toBe('response_time_seconds 9.2 s is 11.5× its baseline of 0.8 s.');
    expect(alert.generatorURL).toBe('http://detector:8081/agents/agent-7/anomalies');
    expect(alert.endsAt).toBeUndefined();
    expect(toAlert(event({ event: 'resolved', endedAt: now })).endsAt).toBe(new Date(now).toISOString());
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

  it('posts an opened anomaly as an active alert and resolves it when the anomaly ends', async () => {
    const sink = new AlertmanagerSink({ url: am.url, logger });
    await sink.handle(event());
    await waitFor(async () => (await alertsOf(am)).some((a) => a.labels.anomaly_id === 'an-1' && a.status.state === 'active'));
    const [alert] = (await alertsOf(am)).filter((a) => a.labels.anomaly_id === 'an-1');
    expect(alert!.labels).toMatchObject({ agent_id: 'agent-7', severity: 'high', anomaly_type: 'latency_spike' });
    expect(alert!.annotations.description).toContain('11.5×');
    expect(sink.openCount).toBe(1);

    await sink.handle(event({ event: 'resolved', endedAt: Date.now() }));
    expect(sink.openCount).toBe(0);
    await waitFor(async () => !(await alertsOf(am)).some((a) => a.labels.anomaly_id === 'an-1' && a.status.state === 'active'));
  });

  it('counts a failed post while Alertmanager is unreachable and delivers the open alert on the next resend', async () => {
    const port = await freePort();
    const sink = new AlertmanagerSink({ url: `http://127.0.0.1:${port}`, logger, timeoutMs: 1000 });
    await sink.handle(event({ id: 'an-2' }));
    expect(sink.failures).toBe(1);
    expect(sink.posted).toBe(0);
    const late = await startAlertmanager({ port });
    try {
      await sink.resend();
      expect(sink.failures).toBe(1);
      expect(sink.posted).toBe(1);
      await waitFor(async () => (await alertsOf(late)).some((a) => a.labels.anomaly_id === 'an-2' && a.status.state === 'active'));
    } finally {
      await late.stop();
    }
  });

});
