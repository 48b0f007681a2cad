import { EMERGENCE_TYPES } from '@swarmscope/core';

export { EMERGENCE_TYPES };
export type EmergenceType = (typeof EMERGENCE_TYPES)[number];

/** Magnitude each type must reach to be raised (seed defaults for the first five). */
export type Thresholds = Record<EmergenceType, number>;

export const DEFAULT_THRESHOLDS: Thresholds = {
  swarm_intelligence: 0.7,
  collective_behavior: 0.6,
  phase_transition: 0.8,
  self_organization: 0.65,
  collective_learning: 0.75,
  cascade_failure: 0.5,
  early_warning: 0.5,
};

/** A step of a spread, as events carry it: data time in epoch ms. */
export interface PathStep {
  agent: string;
  via: string | null;
  at: number;
  depth: number;
}

/** What a detector found in one analysis tick; the tracker turns findings into events. */
export interface Finding {
  type: EmergenceType;
  /** Where: a pool name, `fleet`, or a group label; a finding updates the open event of its type and scope. */
  scope: string;
  magnitude: number;
  confidence: number;
  agents: string[];
  /** How agents accumulate over an event's life: all ever involved, or only those involved now. */
  agentsMode: 'union' | 'current';
  evidence: Record<string, number>;
  explanation: string;
  path?: PathStep[];
}
