import type { Incident } from '@swarmscope/core';
import { z } from 'zod';
import { duration, num } from './template-narrative';

// The LLM sees the incident's numbers (counts, types, scores, evidence, times), never raw logs nor the detectors'
// prose: what it says can be checked against the same numbers the templates use.

export interface ChatMessage {
  role: 'system' | 'user';
  content: string;
}

/** The prompt templates; the narrator reports which one it used as a function call of its agent. */
export const PROMPT_TEMPLATES = {
  emergence: 'explain_incident_emergence_v1',
  anomalies: 'explain_incident_anomalies_v1',
} as const;

const SYSTEM = [
  'You are the on-call assistant of Swarmscope, which observes fleets of AI agents.',
  'Explain one incident to the engineer on call, from the facts given (JSON). Use only these facts; do not invent agents, numbers or systems.',
  'Answer with one JSON object and nothing else, with exactly these string fields, one or two sentences each:',
  '"what" (what happened), "where" (pools, models, agents), "since" (since when, how long),',
  '"cause" (the likely cause, citing the evidence numbers), "next" (what to check next, concretely).',
].join(' ');

export function promptTemplateOf(incident: Incident): string {
  return incident.emergence.length > 0 ? PROMPT_TEMPLATES.emergence : PROMPT_TEMPLATES.anomalies;
}

/** The facts of an incident as the prompt gives them: numbers and names, capped in size. */
export function incidentFacts(incident: Incident): Record<string, unknown> {
  const types: Record<string, number> = {};
  for (const a of incident.anomalies) types[a.type] = (types[a.type] ?? 0) + 1;
  return {
    title: incident.title,
    severity: incident.severity,
    status: incident.status,
    startedAt: new Date(incident.startedAt).toISOString(),
    lasted: duration(Math.max(0, (incident.resolvedAt ?? incident.lastEventAt) - incident.startedAt)),
    pools: incident.pools,
    models: incident.models,
    agentCount: incident.agentCount,
    firstAgents: incident.agents.slice(0, 10),
    anomalyCount: incident.anomalyCount,
    openAnomalies: incident.activeAnomalies,
    anomalyTypes: types,
    strongestAnomalies: incident.anomalies.slice(0, 5).map((a) => ({
      agent: a.agentId,
      pool: a.pool,
      model: a.model,
      type: a.type,
      severity: a.severity,
      score: Number(num(a.score)),
      evidence: roundedEvidence(a.evidence),
    })),
    emergence: incident.emergence.map((e) => ({
      type: e.type,
      scope: e.scope,
      magnitude: Number(num(e.magnitude)),
      agents: e.agents,
      evidence: roundedEvidence(e.evidence),
    })),
    groupedBecause: incident.reasons.slice(0, 6),
  };
}

export function buildPrompt(incident: Incident): { template: string; messages: ChatMessage[] } {
  return {
    template: promptTemplateOf(incident),
    messages: [
      { role: 'system', content: SYSTEM },
      { role: 'user', content: JSON.stringify(incidentFacts(incident)) },
    ],
  };
}

function roundedEvidence(evidence: Readonly<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(evidence).slice(0, 8))
    if (Number.isFinite(value) && !/At$/.test(key)) out[key] = Number(num(value));
  return out;
}

const field = z.string().trim().min(3, 'too short').max(800, 'too long');
export const narrativeAnswerSchema = z.object({ what: field, where: field, since: field, cause: field, next: field });
export type NarrativeAnswer = z.infer<typeof narrativeAnswerSchema>;

/** The model's answer as a narrative, or undefined when it is not the JSON asked for (code fences tolerated). */
export function parseAnswer(text: string): NarrativeAnswer | undefined {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text.slice(start, end + 1));
  } catch {
    return undefined;
  }
  const parsed = narrativeAnswerSchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}
