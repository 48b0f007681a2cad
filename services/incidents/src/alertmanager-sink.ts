import type { IncidentChange, Logger } from '@swarmscope/core';
import { kindOf } from './title';

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
  /** Where the incident can be looked at (the incidents service's public URL); used for generatorURL. */
  publicUrl?: string;
  logger: Logger;
  timeoutMs?: number;
}

/**
 * Incidents as Alertmanager alerts: posted when they open or change, re-posted on `resend()` (Alertmanager resolves
 * an alert it has not heard of within its resolve_timeout), and posted with `endsAt` when they resolve (merged ones
 * too: the incident they joined carries on). Failed posts are counted and the open set is re-sent on the next
 * resend, so an outage loses nothing but time.
 */
export class AlertmanagerSink {
  private readonly open = new Map<string, PostableAlert>();
  private readonly pendingResolved: PostableAlert[] = [];
  failures = 0;
  posted = 0;

  constructor(private readonly options: AlertmanagerSinkOptions) {}

  /** Records the changes and posts the alerts in one request (failures are logged, counted and retried on resend). */
  async handle(changes: readonly IncidentChange[]): Promise<void> {
    for (const { incident } of changes) {
      const alert = toAlert(incident, this.options.publicUrl);
      if (incident.status === 'resolved') {
        this.open.delete(incident.id);
        this.pendingResolved.push(alert);
      } else {
        this.open.set(incident.id, alert);
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
      this.options.logger.warn(
        { err: (error as Error).message, alerts: alerts.length },
        'alertmanager post failed; will resend',
      );
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
    if (!response.ok)
      throw new Error(`alertmanager answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
  }
}

const ANNOTATION_MAX = 1000;

/**
 * The alert for an incident: labels an operator can route and group on (bounded: pools and models joined, no agent
 * list), annotations that explain it (the incident's narrative: what, where, since, cause, next).
 */
export function toAlert(incident: IncidentChange['incident'], publicUrl?: string): PostableAlert {
  const n = incident.narrative;
  const alert: PostableAlert = {
    labels: {
      alertname: 'SwarmscopeIncident',
      incident_id: incident.id,
      severity: incident.severity,
      pool: incident.pools.length === 1 ? incident.pools[0]! : incident.pools.length > 1 ? 'multiple' : 'fleet',
      model: incident.models.length === 1 ? incident.models[0]! : incident.models.length > 1 ? 'multiple' : 'unknown',
      incident_kind: kindOf(incident),
      risk: incident.risk ?? 'low',
    },
    annotations: {
      summary: clip(incident.title),
      description: clip(n.what),
      where: clip(n.where),
      since: clip(n.since),
      cause: clip(n.cause),
      next: clip(n.next),
      narrated_by: n.source === 'llm' ? `llm ${n.model ?? ''}`.trim() : 'template',
      agents: String(incident.agentCount),
      pools: incident.pools.join(', '),
      models: incident.models.join(', '),
      status: incident.status,
    },
    startsAt: new Date(incident.startedAt).toISOString(),
  };
  if (incident.status === 'resolved') alert.endsAt = new Date(incident.resolvedAt ?? incident.updatedAt).toISOString();
  if (publicUrl) alert.generatorURL = `${publicUrl.replace(/\/$/, '')}/incidents/${encodeURIComponent(incident.id)}`;
  return alert;
}

function clip(text: string): string {
  return text.length > ANNOTATION_MAX ? `${text.slice(0, ANNOTATION_MAX - 1)}…` : text;
}
