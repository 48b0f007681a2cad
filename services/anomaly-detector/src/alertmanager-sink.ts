import type { AnomalyEvent, Logger } from '@swarmscope/core';

/** One alert of Alertmanager's v2 API (`POST /api/v2/alerts` takes an array of them). */
export interface PostableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt?: string;
  generatorURL?: string;
}

export interface AlertmanagerSinkOptions {
  /** Alertmanager's base URL, e.g. http://alertmanager:9093. */
  url: string;
  /** Where the anomaly can be looked at (the anomaly-detector's public URL); used for generatorURL. */
  publicUrl?: string;
  logger: Logger;
  timeoutMs?: number;
}

/**
 * Open anomalies as Alertmanager alerts: posted when they open or escalate, re-posted on `resend()` (Alertmanager
 * resolves an alert it has not heard of within its resolve_timeout), and posted with `endsAt` when they resolve.
 * Failed posts are counted and the open set is re-sent on the next resend, so an outage loses nothing but time.
 */
export class AlertmanagerSink {
  private readonly open = new Map<string, PostableAlert>();
  private readonly pendingResolved: PostableAlert[] = [];
  failures = 0;
  posted = 0;

  constructor(private readonly options: AlertmanagerSinkOptions) {}

  /** Records the events and posts the alerts in one request (failures are logged, counted and retried on resend). */
  async handle(...events: AnomalyEvent[]): Promise<void> {
    for (const event of events) {
      const alert = toAlert(event, this.options.publicUrl);
      if (event.event === 'resolved') {
        this.open.delete(event.id);
        this.pendingResolved.push(alert);
      } else {
        this.open.set(event.id, alert);
      }
    }
    await this.resend();
  }

  /** Posts every open alert and the resolutions not yet delivered. */
  async resend(): Promise<void> {
    const resolved = this.pendingResolved.splice(0);
    const alerts = [...this.open.values(), ...resolved];
    if (alerts.length === 0) return;
    try {
      await this.post(alerts);
      this.posted += alerts.length;
    } catch (error) {
      this.failures++;
      // Keep the resolutions (bounded: the oldest go first) so Alertmanager learns of them once it is back.
      this.pendingResolved.unshift(...resolved.slice(-1000));
      this.options.logger.warn({ err: (error as Error).message, alerts: alerts.length }, 'alertmanager post failed; will resend');
    }
  }

  get openCount(): number {
    return this.open.size;
  }

  private async post(alerts: PostableAlert[]): Promise<void> {
    const response = await fetch(`${this.options.url.replace(/\/$/, '')}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(alerts),
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
    });
    if (!response.ok) throw new Error(`alertmanager answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
  }
}

/** The alert for an anomaly: labels an operator can route and group on, annotations that explain it. */
export function toAlert(event: AnomalyEvent, publicUrl?: string): PostableAlert {
  const alert: PostableAlert = {
    labels: {
      alertname: 'SwarmscopeAnomaly',
      anomaly_id: event.id,
      agent_id: event.agentId,
      pool: event.pool,
      model: event.model,
      anomaly_type: event.type,
      severity: event.severity,
      risk: event.risk ?? 'low',
    },
    annotations: {
      summary: `${event.type.replace(/_/g, ' ')} on agent ${event.agentId} (pool ${event.pool}, ${event.model}), score ${event.score.toFixed(2)}`,
      description: event.explanation,
      detectors: event.detectors.join(', '),
      runbook: 'Open the agent in GET /agents/:id/anomalies; check its recent windows (GET /agents/:id/trends on health-monitor) and whether its cohort (same model and pool) shifted too.',
    },
    startsAt: new Date(event.startedAt).toISOString(),
  };
  if (event.event === 'resolved') alert.endsAt = new Date(event.endedAt ?? event.time).toISOString();
  if (publicUrl) alert.generatorURL = `${publicUrl.replace(/\/$/, '')}/agents/${encodeURIComponent(event.agentId)}/anomalies`;
  return alert;
}
