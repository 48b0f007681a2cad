import type { EmergenceEvent } from '@swarmscope/core';
import type { EmergenceType, Finding } from './types';

interface OpenEvent {
  id: string;
  type: EmergenceType;
  scope: string;
  startedAt: number;
  windowFrom: number;
  lastTick: number;
  hits: number;
  /** Agent → ticks it was part of the finding. */
  agentHits: Map<string, number>;
  /** Agent → the event's hit count when it first joined. */
  agentJoined: Map<string, number>;
  mode: Finding['agentsMode'];
  magnitude: number;
  confidence: number;
  evidence: Record<string, number>;
  explanation: string;
  path?: Finding['path'];
  emitted: EmergenceEvent | undefined;
}

/** Share of the smaller agent set two findings must share to be one phenomenon whatever their scope labels. */
const SAME_PHENOMENON_OVERLAP = 0.3;
/** A magnitude change worth an `updated` event. */
const MAGNITUDE_STEP = 0.05;

/**
 * Turns each tick's findings into event lifecycles: a phenomenon is opened once, updated while it changes, and
 * closed after `closeAfterTicks` ticks without a finding. A finding joins the open event of its type with the
 * same scope, or sharing most of its agents.
 */
export class EventTracker {
  private readonly open = new Map<string, OpenEvent>();
  private sequence = 0;

  constructor(private readonly closeAfterTicks: number) {}

  /** Applies one tick's findings (`time` = the tick's end, epoch ms) and returns the lifecycle changes. */
  apply(
    tick: number,
    time: number,
    windowFrom: number,
    findings: readonly Finding[],
    communityOf: (agent: string) => number | undefined,
  ): EmergenceEvent[] {
    const changes: EmergenceEvent[] = [];
    const touched = new Set<OpenEvent>();
    for (const finding of findings) {
      let event = this.match(finding);
      if (!event) {
        event = {
          id: `em-${finding.type}-${time}-${++this.sequence}`,
          type: finding.type,
          scope: finding.scope,
          startedAt: time,
          windowFrom,
          lastTick: tick,
          hits: 0,
          agentHits: new Map(),
          agentJoined: new Map(),
          mode: finding.agentsMode,
          magnitude: 0,
          confidence: 0,
          evidence: {},
          explanation: '',
          emitted: undefined,
        };
        this.open.set(event.id, event);
      }
      if (touched.has(event)) continue;
      touched.add(event);
      event.lastTick = tick;
      event.hits++;
      event.scope = finding.scope;
      for (const agent of finding.agents) {
        event.agentHits.set(agent, (event.agentHits.get(agent) ?? 0) + 1);
        if (!event.agentJoined.has(agent)) event.agentJoined.set(agent, event.hits);
      }
      event.magnitude = Math.max(event.magnitude, finding.magnitude);
      event.confidence = Math.max(event.confidence, finding.confidence);
      // Only finite numbers travel (JSON has no Infinity).
      event.evidence = Object.fromEntries(Object.entries(finding.evidence).filter(([, v]) => Number.isFinite(v)));
      event.explanation = finding.explanation;
      if (finding.path) event.path = mergePath(event.path, finding.path);
      const snapshot = this.snapshot(event, time, 'opened', communityOf);
      if (!event.emitted) changes.push((event.emitted = snapshot));
      else if (changed(event.emitted, snapshot)) changes.push((event.emitted = { ...snapshot, event: 'updated' }));
    }
    for (const event of [...this.open.values()]) {
      if (tick - event.lastTick < this.closeAfterTicks) continue;
      this.open.delete(event.id);
      changes.push({ ...this.snapshot(event, time, 'closed', communityOf), endedAt: time });
    }
    return changes;
  }

  /** Open events, newest first. */
  list(): EmergenceEvent[] {
    return [...this.open.values()]
      .map((e) => e.emitted)
      .filter((e): e is EmergenceEvent => e !== undefined)
      .reverse();
  }

  isOpen(type: EmergenceType, scope?: string): boolean {
    for (const event of this.open.values())
      if (event.type === type && (scope === undefined || event.scope === scope)) return true;
    return false;
  }

  private match(finding: Finding): OpenEvent | undefined {
    let best: OpenEvent | undefined;
    for (const event of this.open.values()) {
      if (event.type !== finding.type) continue;
      if (event.scope === finding.scope) return event;
      if (!best && overlap(event.agentHits, finding.agents) >= SAME_PHENOMENON_OVERLAP) best = event;
    }
    return best;
  }

  private snapshot(
    event: OpenEvent,
    time: number,
    kind: EmergenceEvent['event'],
    communityOf: (agent: string) => number | undefined,
  ): EmergenceEvent {
    // 'current' phenomena (a synchronised group, a pool) list the agents present in at least half the ticks since
    // they joined, so one noisy tick neither adds nor drops members and a member confirmed late still counts;
    // spreads keep everyone they reached.
    const agents = [...event.agentHits]
      .filter(([agent, hits]) => event.mode === 'union' || hits * 2 >= event.hits - event.agentJoined.get(agent)! + 1)
      .map(([agent]) => agent)
      .sort();
    const communities = [...new Set(agents.map(communityOf).filter((c): c is number => c !== undefined))].sort(
      (a, b) => a - b,
    );
    return {
      id: event.id,
      event: kind,
      type: event.type,
      time,
      startedAt: event.startedAt,
      scope: event.scope,
      magnitude: round(event.magnitude),
      confidence: round(event.confidence),
      agents,
      communities,
      window: { from: event.windowFrom, to: time },
      evidence: event.evidence,
      explanation: event.explanation,
      ...(event.path ? { path: event.path } : {}),
    };
  }
}

function overlap(agentHits: ReadonlyMap<string, number>, agents: readonly string[]): number {
  if (agents.length === 0 || agentHits.size === 0) return 0;
  let shared = 0;
  for (const agent of agents) if (agentHits.has(agent)) shared++;
  return shared / Math.min(agents.length, agentHits.size);
}

function changed(before: EmergenceEvent, after: EmergenceEvent): boolean {
  if (Math.abs(before.magnitude - after.magnitude) >= MAGNITUDE_STEP) return true;
  if (before.agents.length !== after.agents.length) return true;
  return before.agents.some((agent, i) => after.agents[i] !== agent);
}

/** Keeps each agent's first step: a spread's path only grows. */
function mergePath(before: Finding['path'], next: NonNullable<Finding['path']>): NonNullable<Finding['path']> {
  const byAgent = new Map((before ?? []).map((step) => [step.agent, step]));
  for (const step of next) if (!byAgent.has(step.agent)) byAgent.set(step.agent, step);
  return [...byAgent.values()].sort((a, b) => a.at - b.at || (a.agent < b.agent ? -1 : a.agent > b.agent ? 1 : 0));
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
