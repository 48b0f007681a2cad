import { Counter, Gauge } from 'prom-client';
import {
  INCIDENT_STATUSES,
  NARRATION_SOURCES,
  RISK_CLASSES,
  SEVERITIES,
  scrapedGauge,
  type ServiceRegistry,
} from '@swarmscope/core';
import type { Correlator } from './correlator';

/** incidents' Prometheus metrics: by severity, risk class, status and narration source, never by agent or incident. */
export function createIncidentMetrics(registry: ServiceRegistry, correlator: Correlator) {
  const registers = [registry];
  const opened = new Counter({
    name: 'swarmscope_incidents_opened_total',
    help: 'Incidents opened, by severity and risk class at opening.',
    labelNames: ['severity', 'risk'] as const,
    registers,
  });
  const resolved = new Counter({
    name: 'swarmscope_incidents_resolved_total',
    help: 'Incidents resolved, by how (auto, manual, merged) and risk class.',
    labelNames: ['resolution', 'risk'] as const,
    registers,
  });
  const events = new Counter({
    name: 'swarmscope_incident_events_total',
    help: 'Anomaly and emergence events consumed (opened ones: the raw alerts before correlation).',
    labelNames: ['kind', 'event'] as const,
    registers,
  });
  const narrations = new Counter({
    name: 'swarmscope_incident_narrations_total',
    help: 'Incident explanations produced, by source (llm, template) and fallback reason (none when not a fallback).',
    labelNames: ['source', 'reason'] as const,
    registers,
  });
  const alertFailures = new Counter({
    name: 'swarmscope_incident_alert_post_failures_total',
    help: 'Posts to Alertmanager that failed (retried on the next resend).',
    registers,
  });
  // Every known label combination from the start, so rates and dashboards see 0 rather than nothing.
  for (const risk of RISK_CLASSES) {
    for (const severity of SEVERITIES) opened.inc({ severity, risk }, 0);
    for (const resolution of ['auto', 'manual', 'merged']) resolved.inc({ resolution, risk }, 0);
  }
  for (const source of NARRATION_SOURCES) narrations.inc({ source, reason: 'none' }, 0);
  // The events' own vocabularies (anomalyEventSchema's and emergenceEventSchema's `event`).
  for (const event of ['opened', 'updated', 'resolved']) events.inc({ kind: 'anomaly', event }, 0);
  for (const event of ['opened', 'updated', 'closed']) events.inc({ kind: 'emergence', event }, 0);
  return {
    opened,
    resolved,
    events,
    narrations,
    alertFailures,
    active: new Gauge({
      name: 'swarmscope_incidents',
      help: 'Incidents not resolved, by status, severity and risk class.',
      labelNames: ['status', 'severity', 'risk'] as const,
      registers,
      collect() {
        this.reset();
        for (const status of INCIDENT_STATUSES)
          if (status !== 'resolved')
            for (const severity of SEVERITIES) for (const risk of RISK_CLASSES) this.set({ status, severity, risk }, 0);
        for (const incident of correlator.list())
          this.inc({ status: incident.status, severity: incident.severity, risk: incident.risk ?? 'low' });
      },
    }),
    advisories: scrapedGauge(
      registry,
      'swarmscope_incident_advisories',
      'Advisories (early warnings) active now: listed at GET /advisories, never incidents.',
      () => correlator.activeAdvisories,
    ),
    pending: scrapedGauge(
      registry,
      'swarmscope_incident_pending_anomalies',
      'Anomalies waiting out the group wait before they open or join an incident.',
      () => correlator.pendingCount,
    ),
  };
}
export type IncidentMetrics = ReturnType<typeof createIncidentMetrics>;
