import { round } from '../stream/explain';

// Method: rule-based triage of security-like patterns by their signatures — volumetric flood (rate multiple × breadth
// over a pool; Mirkovic & Reiher 2004), horizontal scan (one source, many failed first contacts; Jung et al. 2004),
// exfiltration (outbound volume at a normal request rate; MITRE ATT&CK T1041) — into high / medium / low risk.

export type RiskClass = 'low' | 'medium' | 'high';
export type RiskPattern = 'request_flood' | 'port_scan' | 'exfiltration' | 'none';

/** What the detectors found, as numbers. Leave out what you do not know. */
export interface RiskEvidence {
  /** Anomaly types detected for the subject (`request_surge`, `token_spike`, `port_scan`, …). */
  types?: readonly string[];
  /** Recent request rate / baseline rate (agent or pool). */
  rateMultiple?: number;
  /** Share of the subject's pool whose request rate surges at the same time, in [0, 1]. */
  poolShare?: number;
  /** Distinct agents hit by the same source or pattern. */
  agentsAffected?: number;
  /** Share of failed requests among those agents' contacts by that source, in [0, 1]. */
  failedShare?: number;
  /** Recent output volume (tokens) / baseline. */
  outputMultiple?: number;
  /** Recent input volume (tokens) / baseline. */
  inputMultiple?: number;
}

export interface RiskOptions {
  /** Rate multiple of a flood (default 3, as the request-rate detector). */
  floodMultiple?: number;
  /** Pool share that makes a rate surge a pool flood (default 0.5)… */
  floodPoolShare?: number;
  /** …or this many agents surging together (default 5). */
  floodAgents?: number;
  /** Agents one source must probe to be a scan (default 10)… */
  scanAgents?: number;
  /** …with at least this share of failures (default 0.8). */
  scanFailedShare?: number;
  /** Output multiple of exfiltration (default 5)… */
  exfiltrationMultiple?: number;
  /** …while input grew by less than this (default 2: large answers to large prompts are not exfiltration). */
  exfiltrationInputMultiple?: number;
}

export interface RiskAssessment {
  risk: RiskClass;
  pattern: RiskPattern;
  /** Why, with the numbers. */
  reason: string;
}

/**
 * Maps detected anomaly types and their evidence to a risk class: a request flood over a pool (rate ≥ 3× on ≥ half
 * the pool or ≥ 5 agents) and a horizontal scan (one source, ≥ 10 agents, ≥ 80 % failures) are high; one agent's
 * rate surge without that breadth, and exfiltration-like output (≥ 5× the output at < 2× the input and a normal
 * request rate), are medium; everything else is low. Pure.
 */
export function classifyRisk(evidence: RiskEvidence, options: RiskOptions = {}): RiskAssessment {
  const floodMultiple = options.floodMultiple ?? 3;
  const floodPoolShare = options.floodPoolShare ?? 0.5;
  const floodAgents = options.floodAgents ?? 5;
  const scanAgents = options.scanAgents ?? 10;
  const scanFailedShare = options.scanFailedShare ?? 0.8;
  const exfilMultiple = options.exfiltrationMultiple ?? 5;
  const exfilInput = options.exfiltrationInputMultiple ?? 2;
  const types = evidence.types ?? [];
  const rate = evidence.rateMultiple ?? Number.NaN;
  const agents = evidence.agentsAffected ?? Number.NaN;
  const share = evidence.poolShare ?? Number.NaN;

  const scanByType = types.includes('port_scan');
  if (scanByType || (agents >= scanAgents && (evidence.failedShare ?? 0) >= scanFailedShare)) {
    return {
      risk: 'high',
      pattern: 'port_scan',
      reason: `port-scan-like probing: one source reached ${fmt(agents)} agents with ${fmt(100 * (evidence.failedShare ?? Number.NaN))}% failed contacts`,
    };
  }
  if (rate >= floodMultiple) {
    const broad = share >= floodPoolShare || agents >= floodAgents;
    return broad
      ? {
          risk: 'high',
          pattern: 'request_flood',
          reason: `request flood: ${fmt(rate)}× the usual request rate across ${Number.isFinite(share) ? `${fmt(100 * share)}% of the pool` : `${fmt(agents)} agents`}`,
        }
      : {
          risk: 'medium',
          pattern: 'request_flood',
          reason: `request rate ${fmt(rate)}× the usual on this agent alone`,
        };
  }
  const output = evidence.outputMultiple ?? Number.NaN;
  const input = evidence.inputMultiple ?? Number.NaN;
  if (output >= exfilMultiple && !(input >= exfilInput)) {
    return {
      risk: 'medium',
      pattern: 'exfiltration',
      reason: `unusual output volume: ${fmt(output)}× the usual output tokens${Number.isFinite(input) ? ` at ${fmt(input)}× the input` : ''} and a normal request rate`,
    };
  }
  return { risk: 'low', pattern: 'none', reason: 'no security-like pattern' };
}

function fmt(x: number): string {
  return Number.isFinite(x) ? round(x) : '?';
}
