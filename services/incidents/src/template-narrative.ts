import type { Incident, IncidentAnomaly, Narrative } from '@swarmscope/core';
import { dominantType, isStoppedReporting } from './title';

// The deterministic narration: always available, built from the incident's numbers only. The LLM narrator falls
// back to it; the incident's narrative says which one produced it.

/** Likely causes and first checks per anomaly type (the simulator's and the detector's vocabulary). */
const PLAYBOOK: Record<string, { cause: string; check: string }> = {
  latency_spike: {
    cause: 'a slow model provider, an overloaded dependency or queueing in front of the agents',
    check: 'compare the provider latency (gen_ai.client.operation.duration in traces) with the agents’ own time',
  },
  latency_slo: {
    cause: 'sustained slow answers: saturation or a slow dependency',
    check: 'look at request rate against replicas for the pool (autoscaler GET /decisions)',
  },
  error_surge: {
    cause: 'a failing upstream (model API errors, rate limiting) or a bad deploy of the agents',
    check: 'read the error types on the failing spans and the provider status; roll back a recent deploy of the pool',
  },
  token_spike: {
    cause: 'a prompt or context change, or an agent loop re-sending its context',
    check: 'diff the prompt templates deployed to these agents and look for repeated tool calls in one trace',
  },
  quality_degradation: {
    cause: 'degraded answers: a model change, stale retrieval data or a prompt regression',
    check: 'sample recent answers of the agents and compare them with last week’s',
  },
  model_drift: {
    cause: 'a model version change at the provider or in the agents’ configuration (output lengths shifted and stayed)',
    check: 'confirm the served model version (gen_ai.response.model) and the date it changed',
  },
  output_drift: {
    cause: 'a changed output distribution: model version or prompt change',
    check: 'confirm the served model version (gen_ai.response.model)',
  },
  memory_leak: {
    cause: 'memory growing without release (software aging)',
    check: 'restart one agent and watch whether memory climbs again; take a heap profile',
  },
  stopped_reporting: {
    cause:
      'many agents stopped reporting at once: a deploy or restart, a network cut between them and health-monitor, or the end of a load test',
    check:
      'check for a deploy or a scale-down of these pools at that time, then the network path to health-monitor; nothing else is implied about the agents',
  },
  silent: {
    cause: 'agents that stopped reporting: crashed, stuck or cut off from the network',
    check: 'check the processes or pods and their restarts, and the network path to health-monitor',
  },
  request_rate: {
    cause: 'traffic that changed sharply: a client retry storm, or routing that shifted load',
    check: 'look at the request rate of the pool and of its callers',
  },
  scan: { cause: 'probing traffic from one source', check: 'identify the caller and rate-limit or block it' },
};

const EMERGENCE_PLAYBOOK: Record<string, { cause: string; check: string }> = {
  cascade_failure: {
    cause: 'a failure spreading along delegations: agents fail after the agent they hand work to',
    check: 'fix or isolate the first agent that failed; shed load from the agents that call it',
  },
  phase_transition: {
    cause: 'the pool switched regime: its latency rose abruptly after a period of growing instability',
    check: 'look for the shared dependency of the pool that saturated (provider quota, database, queue)',
  },
  early_warning: {
    cause: 'growing variance and autocorrelation: the pool is losing resilience before a possible regime shift',
    check: 'add headroom to the pool now (replicas, quota) and watch its latency',
  },
  collective_behavior: {
    cause: 'agents acting in lockstep (synchronised load)',
    check: 'look for a shared scheduler, retry timer or batch that aligns them; add jitter',
  },
  self_organization: {
    cause: 'the interaction graph reorganised',
    check: 'check which agents became hubs and whether they can take the load',
  },
  collective_learning: {
    cause: 'quality improving along the interaction graph',
    check: 'nothing urgent; find what the first improving agents changed',
  },
  swarm_intelligence: { cause: 'the group outperforms its members', check: 'nothing urgent' },
};

const FALLBACK = {
  cause: 'an unusual change in these agents’ telemetry',
  check: 'open the agents’ recent windows on health-monitor (GET /agents/:id/trends)',
};

/** Which template narrates the incident. */
export function templateNameOf(incident: Incident): string {
  if (isStoppedReporting(incident)) return 'stopped_reporting';
  if (incident.emergence.length > 0)
    return `emergence_${incident.emergence.find((e) => e.type !== 'early_warning')?.type ?? incident.emergence[0]!.type}`;
  return incident.agentCount > 1 ? 'correlated_anomalies' : 'single_agent_anomaly';
}

/** The narrative of `incident` from templates, at time `at` (epoch ms). */
export function templateNarrative(incident: Incident, at: number, fallbackReason?: string): Narrative {
  const type = dominantType(incident.anomalies);
  const emergence = incident.emergence.find((e) => e.type !== 'early_warning') ?? incident.emergence[0];
  const play = isStoppedReporting(incident)
    ? PLAYBOOK.stopped_reporting!
    : emergence
      ? (EMERGENCE_PLAYBOOK[emergence.type] ?? FALLBACK)
      : (PLAYBOOK[type ?? ''] ?? FALLBACK);
  const top = incident.anomalies[0];
  const typeCounts = countTypes(incident.anomalies);

  const what =
    `${capitalise(incident.title)}: ${incident.agentCount} agent${incident.agentCount === 1 ? '' : 's'}, ` +
    `${incident.anomalyCount} anomal${incident.anomalyCount === 1 ? 'y' : 'ies'} (${incident.activeAnomalies} still open)` +
    (typeCounts ? ` — ${typeCounts}` : '') +
    (incident.emergence.length > 0
      ? `; ${incident.emergence.map((e) => `${words(e.type)} in ${e.scope} (magnitude ${num(e.magnitude)}, ${e.agents} agents)`).join('; ')}`
      : '') +
    `. Severity ${incident.severity}.`;

  const listed =
    incident.agents.slice(0, 5).join(', ') + (incident.agentCount > 5 ? ` and ${incident.agentCount - 5} more` : '');
  const where = `${incident.pools.length ? `Pool${incident.pools.length > 1 ? 's' : ''} ${incident.pools.join(', ')}` : 'The fleet'}${incident.models.length ? `; model${incident.models.length > 1 ? 's' : ''} ${incident.models.join(', ')}` : ''}; agents ${listed || 'not named'}.`;

  const lastsMs = Math.max(0, (incident.resolvedAt ?? incident.lastEventAt) - incident.startedAt);
  const since = `Since ${new Date(incident.startedAt).toISOString()} (${duration(lastsMs)}${incident.status === 'resolved' ? ', resolved' : ' so far'}).`;

  const scope = scopeHint(incident);
  const evidence = top
    ? ` Strongest evidence: ${top.agentId} ${words(top.type)} score ${num(top.score)}${formatEvidence(top.evidence)}.`
    : '';
  const spread = emergence ? formatEvidence(emergence.evidence) : '';
  const cause = `Likely ${play.cause}${scope ? `; ${scope}` : ''}.${spread ? ` Emergence evidence${spread}.` : ''}${evidence}`;

  const first = incident.agents[0];
  const next = `${capitalise(play.check)}.${first ? ` Start with ${first} (first onset): GET /agents/${first}/anomalies on anomaly-detector and GET /agents/${first}/trends on health-monitor.` : ''}`;

  return {
    source: 'template',
    template: templateNameOf(incident),
    ...(fallbackReason ? { fallbackReason } : {}),
    revision: incident.revision,
    generatedAt: at,
    what,
    where,
    since,
    cause,
    next,
  };
}

/** What the agents share, which narrows the cause: one model across pools points at the model, one pool at the pool. */
function scopeHint(incident: Incident): string {
  if (incident.agentCount < 2) return '';
  if (incident.models.length === 1 && incident.pools.length > 1)
    return `every agent runs ${incident.models[0]} across ${incident.pools.length} pools, which points at that model or its provider`;
  if (incident.pools.length === 1 && incident.models.length > 1)
    return `${incident.models.length} models are affected in pool ${incident.pools[0]} alone, which points at something the pool shares, not at a model`;
  if (incident.reasons.some((r) => r.startsWith('interaction-graph')))
    return 'the agents hand work to each other, so one may be failing because of the other';
  return '';
}

function countTypes(anomalies: readonly IncidentAnomaly[]): string {
  const counts = new Map<string, number>();
  for (const a of anomalies) counts.set(a.type, (counts.get(a.type) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 4)
    .map(([t, n]) => `${n} ${words(t)}`)
    .join(', ');
}

/** The evidence numbers, rounded, at most six: ` (value 9.2, baseline 0.8, ratio 11.5)`. Times (`...At`) are left out. */
export function formatEvidence(evidence: Readonly<Record<string, number>>): string {
  const parts = Object.entries(evidence)
    .filter(([key, value]) => !/At$/.test(key) && Number.isFinite(value))
    .slice(0, 6)
    .map(([key, value]) => `${key} ${num(value)}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

export function num(value: number): string {
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  return abs >= 100
    ? value.toFixed(0)
    : abs >= 1
      ? String(Number(value.toFixed(2)))
      : String(Number(value.toPrecision(2)));
}

export function duration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return `${Math.round(ms / 1000)} s`;
  if (minutes < 120) return `${minutes} min`;
  return `${(minutes / 60).toFixed(1)} h`;
}

const words = (type: string) => type.replace(/_/g, ' ');
const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
