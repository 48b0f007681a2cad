import type { Population, SimAgent } from '../population';

/**
 * How a scenario bends one agent's behaviour during one tick. The generator resets it to neutral, lets the
 * scenario compose its effects into it (factors multiply, shifts add, floors take the max), then draws.
 */
export interface Modifiers {
  /** No report at all (crash-stop). */
  silent: boolean;
  rateFactor: number;
  latencyFactor: number;
  errorFactor: number;
  /** The error probability is at least this. */
  errorFloor: number;
  inputTokensFactor: number;
  outputTokensFactor: number;
  /** Widens (or narrows) the output length's log-normal shape. */
  outputSigmaFactor: number;
  /** Added to every quality score. */
  qualityShift: number;
  /** Added to coherence on top of qualityShift. */
  coherenceShift: number;
  cpuShift: number;
  memoryExtraBytes: number;
  /** Share of requests that come from an attacker (tiny prompts, tiny answers). */
  attackShare: number;
  /** Error probability of an attacker's request (rate limiting). */
  attackErrorRate: number;
  /** Probe requests arriving during the tick, and who sends them. */
  probes: number;
  probeFrom: string;
}

export function neutralModifiers(): Modifiers {
  return resetModifiers({} as Modifiers);
}

export function resetModifiers(m: Modifiers): Modifiers {
  m.silent = false;
  m.rateFactor = 1;
  m.latencyFactor = 1;
  m.errorFactor = 1;
  m.errorFloor = 0;
  m.inputTokensFactor = 1;
  m.outputTokensFactor = 1;
  m.outputSigmaFactor = 1;
  m.qualityShift = 0;
  m.coherenceShift = 0;
  m.cpuShift = 0;
  m.memoryExtraBytes = 0;
  m.attackShare = 0;
  m.attackErrorRate = 0;
  m.probes = 0;
  m.probeFrom = '';
  return m;
}

export type RiskClass = 'high' | 'medium' | 'low';

/** One step of a spread (cascade, learning): `agent` was reached from `via` at `atSeconds`. */
export interface SpreadStep {
  agent: string;
  /** The neighbour it came from; null for where it started. */
  via: string | null;
  atSeconds: number;
  /** Epoch ms. */
  at: number;
  depth: number;
}

/** One line of the ground truth: what was injected, into whom, when, with which parameters. */
export interface TruthRecord {
  kind: 'injection';
  scenario: string;
  id: string;
  type: string;
  /** The method the pattern follows, with its reference. */
  method: string;
  agents: string[];
  pool?: string;
  /** Seconds since the run's start, and the same as epoch ms. */
  fromSeconds: number;
  toSeconds: number;
  from: number;
  to: number;
  risk?: RiskClass;
  params: Record<string, number | string | boolean>;
  path?: SpreadStep[];
}

export interface ScenarioContext {
  population: Population;
  seed: number;
  durationSeconds: number;
  /** Epoch ms of the run's start: truth lines carry absolute times too. */
  startEpochMs: number;
}

/** A pure scenario: its plan is fixed at construction from the context; modify() is a lookup in it. */
export interface Scenario {
  readonly name: string;
  readonly truth: readonly TruthRecord[];
  /** Composes the scenario's effects on `agent` during [t, t + dt) (seconds since the start) into `mods`. */
  modify(agent: SimAgent, t: number, dt: number, mods: Modifiers): void;
}

/** Builds a truth record with its keys in one fixed order (the truth file is byte-identical for one seed). */
export function truthRecord(
  context: ScenarioContext,
  fields: {
    scenario: string;
    id: string;
    type: string;
    method: string;
    agents: string[];
    pool?: string;
    fromSeconds: number;
    toSeconds: number;
    risk?: RiskClass;
    params: Record<string, number | string | boolean>;
    path?: SpreadStep[];
  },
): TruthRecord {
  const record: TruthRecord = {
    kind: 'injection',
    scenario: fields.scenario,
    id: fields.id,
    type: fields.type,
    method: fields.method,
    agents: fields.agents,
    ...(fields.pool !== undefined ? { pool: fields.pool } : {}),
    fromSeconds: round(fields.fromSeconds, 3),
    toSeconds: round(fields.toSeconds, 3),
    from: epoch(context, fields.fromSeconds),
    to: epoch(context, fields.toSeconds),
    ...(fields.risk !== undefined ? { risk: fields.risk } : {}),
    params: fields.params,
    ...(fields.path !== undefined ? { path: fields.path } : {}),
  };
  return record;
}

export function epoch(context: ScenarioContext, seconds: number): number {
  return context.startEpochMs + Math.round(seconds * 1000);
}

/** Code-unit order (not the locale's): the same everywhere. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function round(x: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(x * scale) / scale;
}

/** An effect on one agent (or pool) over [fromSeconds, toSeconds). */
export interface Effect {
  fromSeconds: number;
  toSeconds: number;
  apply(t: number, dt: number, mods: Modifiers, agent: SimAgent): void;
}

/** Effects by key (agent id or pool name), looked up once per agent and tick. */
export class EffectIndex {
  private readonly effects = new Map<string, Effect[]>();

  add(key: string, effect: Effect): void {
    const list = this.effects.get(key);
    if (list) list.push(effect);
    else this.effects.set(key, [effect]);
  }

  apply(key: string, agent: SimAgent, t: number, dt: number, mods: Modifiers): void {
    const list = this.effects.get(key);
    if (!list) return;
    for (const effect of list)
      if (t + dt > effect.fromSeconds && t < effect.toSeconds) effect.apply(t, dt, mods, agent);
  }
}
