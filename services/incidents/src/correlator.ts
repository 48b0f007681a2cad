import {
  shardOf,
  type AnomalyEvent,
  type EmergenceEvent,
  type Incident,
  type IncidentAnomaly,
  type IncidentChange,
  type IncidentEmergence,
  type Interaction,
  type TimelineEntry,
} from '@swarmscope/core';
import { AdvisoryBoard, type Advisory, type AdvisoryFilter } from './advisories';
import { InteractionGraph } from './interaction-graph';
import { maxRisk } from './risk';
import { maxSeverity, raiseSeverity, SEVERITY_RANK, severityOfEmergence, type Severity } from './severity';
import {
  isStopSignal,
  quietSince,
  stoppedAgentCount,
  STOPPED_REPORTING,
  STOPPED_REPORTING_REASON,
} from './stopped-reporting';
import { titleOf } from './title';

// Method: alert grouping as Alertmanager does it (a group wait before the first notification) with event
// correlation by topology and common cause (as in AIOps "situation" grouping, e.g. Moogsoft / BigPanda). Events are
// joined only on evidence of a common cause: the same agent, agents named by one live emergence event that began
// with them, interaction-graph neighbours with close onsets, or a burst of close onsets sharing a model and the
// anomaly type (the same metric moving). Sharing a pool is never a reason by itself. Agents going silent together
// are one "stopped reporting" incident that touches no other. Early warnings are advisories, apart from incidents.
// Time comes in as data.

export type EmergenceType = EmergenceEvent['type'];

export interface CorrelatorOptions {
  /** Data time a new anomaly waits for companions before it opens an incident of its own. */
  groupWaitMs: number;
  /**
   * Onsets this close of one anomaly type on one model make a burst, when `burstMin` agents or more have one; so do
   * agents going silent this close together (a stop), whatever their pools and models.
   */
  cohortWindowMs: number;
  burstMin: number;
  /** An anomaly whose graph neighbour's onset lies this close joins the neighbour's incident. */
  neighbourWindowMs: number;
  /** Data time after the last of an incident's events ended before it resolves by itself. */
  quietMs: number;
  /** New trouble of an agent this soon after its incident resolved by itself reopens that incident. */
  reopenMs: number;
  /** Interactions older than this (data time) no longer make agents neighbours. */
  graphWindowMs: number;
  /** Agents and anomalies listed per incident (the counts say how many there are in all). */
  maxListed: number;
  /** Timeline lines kept per incident (the oldest after the first go first). */
  maxTimeline: number;
  /** Emergence types that open an incident on their own; the others only join one that holds their agents. */
  openOnEmergence: readonly EmergenceType[];
  /** Emergence types that are advisories: listed apart (`advisories()`), never part of an incident. */
  advisoryTypes: readonly EmergenceType[];
  /** Ended advisories kept for the list (the oldest go first). */
  keepEndedAdvisories: number;
}

export const DEFAULT_CORRELATOR_OPTIONS: CorrelatorOptions = {
  groupWaitMs: 30_000,
  cohortWindowMs: 60_000,
  burstMin: 3,
  neighbourWindowMs: 120_000,
  quietMs: 300_000,
  reopenMs: 1_800_000,
  graphWindowMs: 900_000,
  maxListed: 100,
  maxTimeline: 200,
  openOnEmergence: ['cascade_failure', 'phase_transition', 'collective_behavior'],
  advisoryTypes: ['early_warning'],
  keepEndedAdvisories: 500,
};

/** Why an action on an incident was refused. */
export type ActionRefusal = 'unknown' | 'resolved' | 'acknowledged';

interface AgentEntry {
  pool: string;
  model: string;
  /** Earliest onset of its trouble in this incident (data time). */
  onset: number;
}

/** An incident while the correlator works on it: full maps, turned into the capped public shape by `snapshot`. */
interface Working {
  id: string;
  status: Incident['status'];
  revision: number;
  startedAt: number;
  openedAt: number;
  updatedAt: number;
  lastEventAt: number;
  acknowledgedAt?: number;
  resolvedAt?: number;
  resolution?: Incident['resolution'];
  mergedInto?: string;
  /** Agents going silent together: holds only silent and stopped_reporting anomalies, claims no agent. */
  stop: boolean;
  agents: Map<string, AgentEntry>;
  anomalies: Map<string, IncidentAnomaly>;
  emergence: Map<string, IncidentEmergence>;
  /** Agents each of its emergence events names (released when the event closes, unless an anomaly holds them). */
  emergenceAgents: Map<string, readonly string[]>;
  /** Burst keys it holds, with the newest onset of each. */
  cohorts: Map<string, number>;
  /** Severity at the last change, to tell an escalation. */
  severity: Severity;
  reasons: Set<string>;
  timeline: TimelineEntry[];
  narrative: Incident['narrative'];
}

interface Pending {
  anomaly: IncidentAnomaly;
  arrivedAt: number;
}

interface Onset {
  agentId: string;
  /** Data time the trouble began (for a silent agent: its last report). */
  at: number;
  /** Data time the anomaly arrived (lists are in this order). */
  arrivedAt: number;
}

/**
 * Groups anomaly and emergence events into incidents and runs their lifecycle (open → acknowledged → resolved).
 * Feed it events as they come (`onAnomaly`, `onEmergence`, `onInteraction`), call `advance(now)` with data time
 * to open what waited long enough and resolve what went quiet; it returns the incident changes. Advisory emergence
 * events (early warnings) go to `advisories()`. Pure: no clock, no I/O; `narrate` fills each changed incident's
 * narrative (the deterministic templates by default).
 */
export class Correlator {
  private readonly options: CorrelatorOptions;
  private readonly active = new Map<string, Working>();
  /** Agent → the active incident that holds it (through an anomaly, or a live emergence event that names it). */
  private readonly byAgent = new Map<string, string>();
  /** Agents a closed emergence event named and let go of: its incident, and when the event ended (data time). */
  private readonly namedUntil = new Map<string, { incidentId: string; endedAt: number }>();
  private readonly byAnomaly = new Map<string, string>();
  private readonly byEmergence = new Map<string, string>();
  /** Anomalies and emergence events of incidents that were resolved: their late events are not new trouble. */
  private readonly retired = new Map<string, string>();
  private readonly pending = new Map<string, Pending>();
  /** Agents of incidents that resolved by themselves lately, and those incidents (to reopen). */
  private readonly reopenable = new Map<string, Working>();
  /** Recent onsets per burst key, oldest first. */
  private readonly onsets = new Map<string, Onset[]>();
  private readonly graph: InteractionGraph;
  private readonly changes = new Map<string, IncidentChange['change']>();
  private readonly emergenceOpens: ReadonlySet<string>;
  private readonly advisoryTypes: ReadonlySet<string>;
  private readonly board: AdvisoryBoard;

  constructor(
    options: Partial<CorrelatorOptions> = {},
    private readonly narrate: (incident: Incident) => Incident['narrative'] = placeholderNarrative,
  ) {
    this.options = { ...DEFAULT_CORRELATOR_OPTIONS, ...options };
    this.graph = new InteractionGraph(this.options.graphWindowMs);
    this.emergenceOpens = new Set(this.options.openOnEmergence);
    this.advisoryTypes = new Set(this.options.advisoryTypes);
    this.board = new AdvisoryBoard(this.options.maxListed, this.options.keepEndedAdvisories);
  }

  onInteraction(interaction: Interaction): void {
    if (interaction.from !== interaction.to) this.graph.add(interaction.from, interaction.to, interaction.timestamp);
  }

  onAnomaly(event: AnomalyEvent): void {
    const entry = toEntry(event);
    const incidentId = this.byAnomaly.get(event.id);
    if (incidentId !== undefined) {
      this.updateAnomaly(this.active.get(incidentId)!, entry, event.time);
      return;
    }
    if (this.retired.has(event.id)) return;
    const waiting = this.pending.get(event.id);
    if (waiting) {
      waiting.anomaly = entry;
      return;
    }
    this.recordOnset(entry, event.time);
    // A silent agent may be one of many stopping at once: it waits for its companions before joining anything.
    if (!isStopSignal(entry) && this.joinOwnIncident(entry, event.time, true)) return;
    this.pending.set(event.id, { anomaly: entry, arrivedAt: event.time });
  }

  onEmergence(event: EmergenceEvent): void {
    if (this.advisoryTypes.has(event.type)) {
      this.board.record(event);
      return;
    }
    const entry: IncidentEmergence = {
      id: event.id,
      type: event.type,
      scope: event.scope,
      magnitude: event.magnitude,
      agents: event.agents.length,
      startedAt: event.startedAt,
      ...(event.event === 'closed' ? { endedAt: event.endedAt ?? event.time } : {}),
      evidence: event.evidence,
    };
    const known = this.byEmergence.get(event.id);
    if (known !== undefined) {
      const incident = this.active.get(known)!;
      incident.emergence.set(event.id, entry);
      incident.emergenceAgents.set(event.id, event.agents);
      if (event.event === 'closed') this.releaseNamed(incident, event.id);
      else if (!incident.stop) {
        // Agents that stopped reporting since are the stop's: an event growing over them (a fleet gone quiet looks
        // "in lockstep") does not rewrite the incident.
        for (const agentId of event.agents)
          if (incident.agents.has(agentId) || !this.isStopped(agentId))
            this.claimAgent(incident, agentId, undefined, event.startedAt);
      }
      this.touch(incident, event.time, entry.endedAt ?? event.startedAt);
      return;
    }
    if (this.retired.has(event.id) || event.event === 'closed') return;
    if (event.event === 'opened') this.board.followed(event);
    const summary = `${event.type.replace(/_/g, ' ')} in ${event.scope}`;
    // Agents that stopped reporting make regime shifts of their own: a stop explains the events it mostly covers.
    const stop = this.stopCovering(event.agents, event.scope, event.startedAt);
    if (stop) {
      stop.emergence.set(event.id, entry);
      stop.emergenceAgents.set(event.id, event.agents);
      this.byEmergence.set(event.id, stop.id);
      this.timeline(
        stop,
        event.time,
        'grouped',
        `emergence event ${summary} (${event.agents.length} agents) joined (explained by agents that stopped reporting)`,
      );
      this.touch(stop, event.time, event.startedAt);
      return;
    }
    // The same phenomenon seen again (its type, its scope, most of its agents): the incident it was part of carries on.
    const again = this.incidentOfSame(event);
    if (again) {
      again.emergence.set(event.id, entry);
      again.emergenceAgents.set(event.id, event.agents);
      this.byEmergence.set(event.id, again.id);
      for (const agentId of event.agents) this.claimAgent(again, agentId, undefined, event.startedAt);
      this.timeline(again, event.time, 'grouped', `${summary} seen again (${event.agents.length} agents)`);
      this.touch(again, event.time, event.startedAt);
      return;
    }
    // The incidents holding its agents that it can explain: they began with it, not before (a cause comes first).
    // One it mostly covers, or that mostly covers it, takes it; the others it mostly explains merge in; an
    // incident sharing a few agents with it by chance stays apart.
    const began = evidenceStart(event) - this.options.cohortWindowMs;
    const overlap = new Map<string, number>();
    for (const agentId of event.agents) {
      const id = this.byAgent.get(agentId);
      if (id !== undefined && this.active.get(id)!.startedAt >= began) overlap.set(id, (overlap.get(id) ?? 0) + 1);
    }
    const explains = (id: string, shared: number) => shared * 2 >= this.active.get(id)!.agents.size;
    const ranked = [...overlap]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .filter(([id, shared]) => explains(id, shared) || shared * 2 >= event.agents.length);
    if (ranked.length === 0 && !this.emergenceOpens.has(event.type)) return;
    const target =
      ranked.length > 0
        ? this.active.get(ranked[0]![0])!
        : this.open(event.id, event.startedAt, event.time, `opened by emergence event ${summary}`);
    if (ranked.length > 0) target.reasons.add(`explained by ${summary}`);
    target.emergence.set(event.id, entry);
    target.emergenceAgents.set(event.id, event.agents);
    this.byEmergence.set(event.id, target.id);
    for (const [id, shared] of ranked.slice(1))
      if (explains(id, shared)) this.merge(this.active.get(id)!, target, event.time, `explained by ${summary}`);
    for (const agentId of event.agents) this.claimAgent(target, agentId, undefined, event.startedAt);
    // Pending anomalies of its agents join now: the emergence event is their common cause.
    for (const [id, waiting] of this.pending) {
      if (isStopSignal(waiting.anomaly) || this.byAgent.get(waiting.anomaly.agentId) !== target.id) continue;
      this.pending.delete(id);
      this.addAnomaly(target, waiting.anomaly, event.time, `explained by ${summary}`);
    }
    if (ranked.length > 0)
      this.timeline(target, event.time, 'grouped', `emergence event ${summary} (${event.agents.length} agents) joined`);
    this.touch(target, event.time, event.startedAt);
  }

  /**
   * Opens incidents for anomalies that waited `groupWaitMs`, resolves incidents quiet for `quietMs` and returns
   * every incident change since the last call (one per incident, the strongest: opened > resolved > updated).
   */
  advance(now: number): IncidentChange[] {
    this.graph.prune(now);
    const due = [...this.pending.values()].filter((p) => p.arrivedAt + this.options.groupWaitMs <= now);
    due.sort((a, b) => a.anomaly.startedAt - b.anomaly.startedAt || (a.anomaly.id < b.anomaly.id ? -1 : 1));
    const stops = new Set<Working>();
    for (const waiting of due) {
      this.pending.delete(waiting.anomaly.id);
      const stop = this.place(waiting.anomaly, now);
      if (stop) stops.add(stop);
    }
    for (const stop of stops) this.gatherStop(stop, now);
    for (const incident of [...this.active.values()])
      if (this.isQuiet(incident, now)) this.close(incident, now, 'auto', 'every event ended');
    this.pruneOnsets(now);
    return this.drain();
  }

  /** Advisories (early warnings), newest first: they page nobody and no incident holds them. */
  advisories(filter: AdvisoryFilter = {}, limit = 100): Advisory[] {
    return this.board.list(filter, limit);
  }

  get activeAdvisories(): number {
    return this.board.activeCount;
  }

  /** Agents in the interaction graph now. */
  get graphAgents(): number {
    return this.graph.agents;
  }

  /** An engineer takes the incident: open → acknowledged. */
  acknowledge(id: string, at: number, by: string): { change: IncidentChange } | { refused: ActionRefusal } {
    const incident = this.active.get(id);
    if (!incident) return { refused: this.retired.has(id) ? 'resolved' : 'unknown' };
    if (incident.status === 'acknowledged') return { refused: 'acknowledged' };
    incident.status = 'acknowledged';
    incident.acknowledgedAt = at;
    this.timeline(incident, at, 'acknowledged', `acknowledged by ${by}`, by);
    this.bump(incident, at, 'acknowledged');
    return { change: this.drainOne(id) };
  }

  /** An engineer closes the incident by hand; its events' later changes are ignored. */
  resolve(id: string, at: number, by: string, note?: string): { change: IncidentChange } | { refused: ActionRefusal } {
    const incident = this.active.get(id);
    if (!incident) return { refused: this.retired.has(id) ? 'resolved' : 'unknown' };
    this.close(incident, at, 'manual', note ? `resolved by ${by}: ${note}` : `resolved by ${by}`, by);
    return { change: this.drainOne(id) };
  }

  /** A narrative produced outside (the LLM narrator) for an unresolved incident; undefined when it is gone. */
  setNarrative(id: string, narrative: Incident['narrative'], at: number): IncidentChange | undefined {
    const incident = this.active.get(id);
    if (!incident) return undefined;
    incident.narrative = narrative;
    this.timeline(
      incident,
      at,
      'narrated',
      `explanation by ${narrative.source === 'llm' ? `the LLM (${narrative.model ?? 'unknown model'})` : 'the templates'}`,
    );
    this.bump(incident, at, 'updated');
    return this.drainOne(id);
  }

  /** Takes back incidents that were not resolved (from the store, at start) so their events keep joining them. */
  restore(incidents: readonly Incident[]): void {
    for (const incident of incidents) {
      if (incident.status === 'resolved' || this.active.has(incident.id)) continue;
      const working: Working = {
        id: incident.id,
        status: incident.status,
        revision: incident.revision,
        startedAt: incident.startedAt,
        openedAt: incident.openedAt,
        updatedAt: incident.updatedAt,
        lastEventAt: incident.lastEventAt,
        ...(incident.acknowledgedAt !== undefined ? { acknowledgedAt: incident.acknowledgedAt } : {}),
        stop: incident.reasons.includes(STOPPED_REPORTING_REASON),
        agents: new Map(),
        anomalies: new Map(incident.anomalies.map((a) => [a.id, a])),
        emergence: new Map(incident.emergence.map((e) => [e.id, e])),
        emergenceAgents: new Map(),
        cohorts: new Map(),
        severity: incident.severity,
        reasons: new Set(incident.reasons),
        timeline: [...incident.timeline],
        narrative: incident.narrative,
      };
      this.active.set(working.id, working);
      for (const a of incident.anomalies) {
        this.byAnomaly.set(a.id, working.id);
        if (working.stop && a.type === STOPPED_REPORTING) continue;
        this.claimAgent(working, a.agentId, a, working.stop ? quietSince(a) : a.startedAt);
        if (working.stop)
          working.cohorts.set(STOP_KEY, Math.max(working.cohorts.get(STOP_KEY) ?? -Infinity, quietSince(a)));
      }
      // The stored incident lists its agents, not which event named which: its open emergence events share them.
      const named = incident.agents.filter((agentId) => !working.agents.has(agentId));
      for (const agentId of named) this.claimAgent(working, agentId, undefined, incident.startedAt);
      for (const e of incident.emergence) {
        this.byEmergence.set(e.id, working.id);
        working.emergenceAgents.set(e.id, e.endedAt === undefined ? named : []);
      }
    }
  }

  get(id: string): Incident | undefined {
    const incident = this.active.get(id);
    return incident && this.snapshot(incident);
  }

  /** Unresolved incidents, newest first. */
  list(): Incident[] {
    return [...this.active.values()]
      .map((i) => this.snapshot(i))
      .sort((a, b) => b.openedAt - a.openedAt || (a.id < b.id ? -1 : 1));
  }

  get activeCount(): number {
    return this.active.size;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /**
   * Where a waited-out anomaly goes. A silent one that is part of a stop goes to the stop; otherwise its agent's
   * incident (reopened if it resolved lately), a graph neighbour's, its burst's, or a new one. Returns the stop it
   * joined, if any.
   */
  private place(anomaly: IncidentAnomaly, now: number): Working | undefined {
    if (isStopSignal(anomaly)) {
      const at = quietSince(anomaly);
      const stop = this.stopAround(at);
      if (stop) {
        this.addAnomaly(stop, anomaly, now, STOPPED_REPORTING_REASON);
        return stop;
      }
      const together = this.burstAround(STOP_KEY, at);
      if (anomaly.type === STOPPED_REPORTING || together.size >= this.options.burstMin) {
        const opened = this.open(
          anomaly.id,
          at,
          now,
          anomaly.type === STOPPED_REPORTING
            ? `opened by pool ${anomaly.pool} stopping reporting`
            : `opened by ${together.size} agents going silent within ${seconds(this.options.cohortWindowMs)}`,
          true,
        );
        this.addAnomaly(opened, anomaly, now, STOPPED_REPORTING_REASON);
        return opened;
      }
    }
    if (this.joinOwnIncident(anomaly, now, false)) return undefined;
    // A detector that waits for a shift to hold (a `for:`) reports it late, with its onset as `startedAt`: trouble that
    // began while an ended event named its agent is still that event's.
    const named = this.namedUntil.get(anomaly.agentId);
    const namedBy = named && anomaly.startedAt <= named.endedAt ? this.active.get(named.incidentId) : undefined;
    if (namedBy) {
      this.addAnomaly(namedBy, anomaly, now, `explained by ${emergenceSummary(namedBy)}`);
      return undefined;
    }
    const neighbour = this.neighbourIncident(anomaly);
    if (neighbour) {
      this.addAnomaly(
        neighbour.incident,
        anomaly,
        now,
        `interaction-graph neighbours with onsets within ${seconds(this.options.neighbourWindowMs)}`,
      );
      return undefined;
    }
    const key = cohortKeyOf(anomaly);
    const burst = this.burstAround(key, anomaly.startedAt);
    if (burst.size >= this.options.burstMin) {
      const reason = `${burst.size} agents on model ${anomaly.model} with ${anomaly.type.replace(/_/g, ' ')} onsets within ${seconds(this.options.cohortWindowMs)}`;
      const target =
        this.burstIncident(key, burst, anomaly.startedAt) ??
        this.open(
          anomaly.id,
          anomaly.startedAt,
          now,
          `opened by ${anomaly.type.replace(/_/g, ' ')} on ${burst.size} agents of model ${anomaly.model}`,
        );
      target.cohorts.set(key, Math.max(target.cohorts.get(key) ?? 0, anomaly.startedAt));
      this.addAnomaly(target, anomaly, now, reason);
      // Incidents opened a moment earlier from members of the same burst are the same problem.
      for (const other of [...this.active.values()]) {
        if (
          other !== target &&
          !other.stop &&
          other.emergence.size === 0 &&
          [...other.anomalies.values()].every((a) => burst.has(a.agentId) && cohortKeyOf(a) === key)
        )
          this.merge(other, target, now, reason);
      }
      return undefined;
    }
    this.addAnomaly(
      this.open(anomaly.id, anomaly.startedAt, now, 'opened by an anomaly of one agent'),
      anomaly,
      now,
      'single agent',
    );
    return undefined;
  }

  /**
   * Trouble of an agent that an incident holds joins it at once ("same agent"); trouble of an agent whose incident
   * resolved by itself lately reopens that incident. `arriving`: said on arrival (the reason names it otherwise).
   */
  private joinOwnIncident(anomaly: IncidentAnomaly, now: number, arriving: boolean): boolean {
    const resolvedLately = this.reopenable.get(anomaly.agentId);
    const lately =
      resolvedLately?.status === 'resolved' && anomaly.startedAt - resolvedLately.resolvedAt! <= this.options.reopenMs;
    if (lately && !this.byAgent.has(anomaly.agentId)) this.reopen(resolvedLately, now);
    const holder = this.byAgent.get(anomaly.agentId);
    if (holder === undefined) return false;
    const incident = this.active.get(holder)!;
    const explained = arriving && incident.emergence.size > 0 && !hasAnomalyOf(incident, anomaly.agentId);
    this.addAnomaly(incident, anomaly, now, explained ? `explained by ${emergenceSummary(incident)}` : 'same agent');
    return true;
  }

  private neighbourIncident(anomaly: IncidentAnomaly): { incident: Working; neighbour: string } | undefined {
    let best: { incident: Working; neighbour: string; gap: number } | undefined;
    for (const neighbour of this.graph.neighbours(anomaly.agentId)) {
      const id = this.byAgent.get(neighbour);
      if (id === undefined) continue;
      const incident = this.active.get(id)!;
      const gap = Math.abs(incident.agents.get(neighbour)!.onset - anomaly.startedAt);
      if (gap <= this.options.neighbourWindowMs && (!best || gap < best.gap)) best = { incident, neighbour, gap };
    }
    return best;
  }

  /**
   * Distinct agents with an onset within the cohort window of `at` under `key`. An agent whose trouble began long
   * before (it is in an incident since) is not a new onset: its own incident explains it.
   */
  private burstAround(key: string, at: number): Set<string> {
    const agents = new Set<string>();
    for (const onset of this.onsets.get(key) ?? []) {
      if (Math.abs(onset.at - at) > this.options.cohortWindowMs) continue;
      const holder = key === STOP_KEY ? undefined : this.byAgent.get(onset.agentId);
      const since = holder === undefined ? undefined : this.active.get(holder)?.agents.get(onset.agentId)?.onset;
      if (since !== undefined && since < at - this.options.cohortWindowMs) continue;
      agents.add(onset.agentId);
    }
    return agents;
  }

  /** The incident already holding this burst: one with the key and a recent onset under it, else the one holding most members. */
  private burstIncident(key: string, burst: ReadonlySet<string>, at: number): Working | undefined {
    let best: Working | undefined;
    let bestMembers = 0;
    for (const incident of this.active.values()) {
      if (incident.stop) continue;
      const last = incident.cohorts.get(key);
      if (last !== undefined && at - last <= this.options.cohortWindowMs) return incident;
      let members = 0;
      for (const agentId of burst) if (this.byAgent.get(agentId) === incident.id) members++;
      if (members > bestMembers) {
        best = incident;
        bestMembers = members;
      }
    }
    return best;
  }

  /** Whether an active stop names the agent. */
  private isStopped(agentId: string): boolean {
    for (const incident of this.active.values()) if (incident.stop && incident.agents.has(agentId)) return true;
    return false;
  }

  /** An active incident holding an emergence event of the same type and scope that names half its agents or more. */
  private incidentOfSame(event: EmergenceEvent): Working | undefined {
    for (const incident of this.active.values()) {
      if (incident.stop) continue;
      for (const [id, e] of incident.emergence) {
        if (e.type !== event.type || e.scope !== event.scope) continue;
        const named = new Set(incident.emergenceAgents.get(id) ?? []);
        let shared = 0;
        for (const agentId of event.agents) if (named.has(agentId)) shared++;
        if (shared * 2 >= Math.max(event.agents.length, named.size)) return incident;
      }
    }
    return undefined;
  }

  /** The active stop whose agents went quiet within the cohort window of `at`. */
  private stopAround(at: number): Working | undefined {
    for (const incident of this.active.values()) {
      const last = incident.cohorts.get(STOP_KEY);
      if (
        incident.stop &&
        last !== undefined &&
        at >= incident.startedAt - this.options.cohortWindowMs &&
        at <= last + this.options.cohortWindowMs
      )
        return incident;
    }
    return undefined;
  }

  /**
   * The active stop that explains an emergence event (the stop seen from afar): the event began with the stop or
   * after, and the stop names half its agents or more — or, for an event in one pool, the stop silenced at least as
   * many agents of that pool as the event names (the pool "shifted" because most of it went quiet).
   */
  private stopCovering(agents: readonly string[], scope: string, startedAt: number): Working | undefined {
    const pool = scope !== 'fleet' && !scope.includes(':') ? scope : undefined;
    for (const incident of this.active.values()) {
      if (!incident.stop || startedAt < incident.startedAt - this.options.cohortWindowMs) continue;
      let shared = 0;
      for (const agentId of agents) if (incident.agents.has(agentId)) shared++;
      if (agents.length > 0 && shared * 2 >= agents.length) return incident;
      if (pool === undefined) continue;
      let silenced = 0;
      for (const entry of incident.agents.values()) if (entry.pool === pool) silenced++;
      if (silenced > 0 && silenced >= agents.length) return incident;
    }
    return undefined;
  }

  /**
   * What a stop that grew takes in: incidents that are pieces of it (silent agents of its window that waited out
   * alone before the others arrived) and emergence-only incidents it mostly covers (a "phase transition" of a pool
   * that stopped). Every other incident stays as it is.
   */
  private gatherStop(stop: Working, now: number): void {
    if (!this.active.has(stop.id)) return;
    for (const other of [...this.active.values()]) {
      if (other === stop || other.stop) continue;
      const pieces =
        other.anomalies.size > 0 &&
        other.emergence.size === 0 &&
        [...other.anomalies.values()].every((a) => isStopSignal(a) && this.stopAround(quietSince(a)) === stop);
      const seenFromAfar =
        other.anomalies.size === 0 &&
        other.emergence.size > 0 &&
        [...other.emergence.values()].every(
          (e) => this.stopCovering(other.emergenceAgents.get(e.id) ?? [], e.scope, e.startedAt) === stop,
        );
      if (pieces || seenFromAfar) this.merge(other, stop, now, STOPPED_REPORTING_REASON);
    }
  }

  /** An incident that resolved by itself is open again (its agents' trouble came back). */
  private reopen(incident: Working, now: number): void {
    incident.status = 'open';
    delete incident.resolvedAt;
    delete incident.resolution;
    delete incident.acknowledgedAt;
    this.active.set(incident.id, incident);
    for (const id of incident.anomalies.keys()) {
      this.retired.delete(id);
      this.byAnomaly.set(id, incident.id);
    }
    for (const id of incident.emergence.keys()) {
      this.retired.delete(id);
      this.byEmergence.set(id, incident.id);
    }
    // Its anomalies' agents are its own again; agents only its (ended) emergence events named are not.
    for (const agentId of incident.agents.keys()) {
      this.reopenable.delete(agentId);
      if (hasAnomalyOf(incident, agentId)) this.byAgent.set(agentId, incident.id);
    }
    this.retired.delete(incident.id);
    this.timeline(incident, now, 'reopened', 'trouble of its agents came back');
    this.bump(incident, now, 'reopened');
  }

  private open(firstEventId: string, startedAt: number, now: number, detail: string, stop = false): Working {
    const id = `inc-${startedAt.toString(36)}-${shardOf(firstEventId, 0x1_0000_0000).toString(36)}`;
    const incident: Working = {
      id,
      status: 'open',
      revision: 0,
      startedAt,
      openedAt: now,
      updatedAt: now,
      lastEventAt: startedAt,
      stop,
      agents: new Map(),
      anomalies: new Map(),
      emergence: new Map(),
      emergenceAgents: new Map(),
      cohorts: new Map(),
      severity: 'low',
      reasons: new Set(),
      timeline: [],
      narrative: placeholderNarrative(),
    };
    this.active.set(id, incident);
    this.timeline(incident, now, 'opened', detail);
    this.changes.set(id, 'opened');
    return incident;
  }

  private addAnomaly(incident: Working, anomaly: IncidentAnomaly, now: number, reason: string): void {
    incident.anomalies.set(anomaly.id, anomaly);
    this.byAnomaly.set(anomaly.id, incident.id);
    if (incident.stop) {
      const at = quietSince(anomaly);
      incident.cohorts.set(STOP_KEY, Math.max(incident.cohorts.get(STOP_KEY) ?? at, at));
      incident.reasons.add(reason);
      // A pool-level anomaly names a pool, not an agent.
      if (anomaly.type !== STOPPED_REPORTING) this.claimAgent(incident, anomaly.agentId, anomaly, at);
      this.touch(incident, now, anomaly.endedAt ?? at);
      return;
    }
    const isNewAgent = !incident.agents.has(anomaly.agentId);
    this.claimAgent(incident, anomaly.agentId, anomaly, anomaly.startedAt);
    incident.reasons.add(reason);
    if (incident.anomalies.size > 1 && (isNewAgent || reason !== 'same agent')) {
      this.timeline(
        incident,
        now,
        'grouped',
        `${anomaly.type.replace(/_/g, ' ')} on ${anomaly.agentId} joined (${reason})`,
      );
    }
    this.touch(incident, now, anomaly.endedAt ?? anomaly.startedAt);
  }

  private updateAnomaly(incident: Working, anomaly: IncidentAnomaly, now: number): void {
    incident.anomalies.set(anomaly.id, anomaly);
    const agent = incident.agents.get(anomaly.agentId);
    if (agent) {
      agent.pool = anomaly.pool;
      agent.model = anomaly.model;
    }
    this.touch(incident, now, anomaly.endedAt ?? anomaly.startedAt);
  }

  private claimAgent(incident: Working, agentId: string, anomaly: IncidentAnomaly | undefined, onset: number): void {
    const entry = incident.agents.get(agentId);
    if (entry) {
      if (anomaly) {
        entry.pool = anomaly.pool;
        entry.model = anomaly.model;
      }
      entry.onset = Math.min(entry.onset, onset);
    } else {
      incident.agents.set(agentId, { pool: anomaly?.pool ?? '', model: anomaly?.model ?? '', onset });
    }
    // A stop holds nobody's later trouble. An emergence event names agents another incident may hold: they stay
    // there (their new trouble goes there).
    if (incident.stop) return;
    const holder = this.byAgent.get(agentId);
    if (anomaly || holder === undefined || !this.active.has(holder)) this.byAgent.set(agentId, incident.id);
  }

  /** An emergence event closed: the agents only it named are no longer the incident's to hold (their later trouble is new). */
  private releaseNamed(incident: Working, emergenceId: string): void {
    const stillNamed = new Set<string>();
    for (const [id, agents] of incident.emergenceAgents)
      if (id !== emergenceId && incident.emergence.get(id)?.endedAt === undefined)
        for (const a of agents) stillNamed.add(a);
    for (const agentId of incident.emergenceAgents.get(emergenceId) ?? []) {
      if (this.byAgent.get(agentId) === incident.id && !stillNamed.has(agentId) && !hasAnomalyOf(incident, agentId)) {
        this.byAgent.delete(agentId);
        this.namedUntil.set(agentId, {
          incidentId: incident.id,
          endedAt: incident.emergence.get(emergenceId)?.endedAt ?? incident.lastEventAt,
        });
      }
    }
  }

  /**
   * `source`'s events carry on in `target`; `source` resolves as merged and keeps what it was (its agents,
   * anomalies, severity, risk and title stay in its last state, with `mergedInto`).
   */
  private merge(source: Working, target: Working, now: number, reason: string): void {
    for (const [id, anomaly] of source.anomalies) {
      target.anomalies.set(id, anomaly);
      this.byAnomaly.set(id, target.id);
    }
    for (const [id, event] of source.emergence) {
      target.emergence.set(id, event);
      target.emergenceAgents.set(id, source.emergenceAgents.get(id) ?? []);
      this.byEmergence.set(id, target.id);
    }
    for (const [agentId, entry] of source.agents) {
      if (this.byAgent.get(agentId) === source.id) {
        if (target.stop) this.byAgent.delete(agentId);
        else this.byAgent.set(agentId, target.id);
      }
      // A stop names the agents that went silent, not every agent an emergence event named.
      if (target.stop && !hasAnomalyOf(source, agentId)) continue;
      const mine = target.agents.get(agentId);
      if (mine) mine.onset = Math.min(mine.onset, entry.onset);
      else target.agents.set(agentId, { ...entry });
    }
    for (const [key, at] of source.cohorts) target.cohorts.set(key, Math.max(target.cohorts.get(key) ?? 0, at));
    for (const r of source.reasons) target.reasons.add(r);
    target.reasons.add(reason);
    target.startedAt = Math.min(target.startedAt, source.startedAt);
    target.lastEventAt = Math.max(target.lastEventAt, source.lastEventAt);
    this.timeline(target, now, 'merged', `${source.id} merged in (${reason})`);
    source.mergedInto = target.id;
    this.close(source, now, 'merged', `merged into ${target.id} (${reason})`);
    this.touch(target, now, target.lastEventAt);
  }

  private close(
    incident: Working,
    now: number,
    resolution: NonNullable<Incident['resolution']>,
    detail: string,
    by?: string,
  ): void {
    incident.status = 'resolved';
    incident.resolvedAt = now;
    this.closedNow.set(incident.id, incident);
    incident.resolution = resolution;
    this.timeline(incident, now, 'resolved', detail, by);
    this.bump(incident, now, 'resolved');
    this.active.delete(incident.id);
    this.retire(incident.id, incident.id, undefined);
    // Merged: its events live on in the incident it joined.
    if (resolution === 'merged') return;
    for (const [agentId] of incident.agents)
      if (this.byAgent.get(agentId) === incident.id) this.byAgent.delete(agentId);
    for (const id of incident.anomalies.keys()) this.retire(id, incident.id, this.byAnomaly);
    for (const id of incident.emergence.keys()) this.retire(id, incident.id, this.byEmergence);
    // A stop does not reopen: agents that come back and go silent again are a new stop (or their own trouble).
    if (resolution === 'auto' && !incident.stop)
      for (const agentId of incident.agents.keys())
        if (hasAnomalyOf(incident, agentId)) this.reopenable.set(agentId, incident);
  }

  private retire(id: string, incidentId: string, index: Map<string, string> | undefined): void {
    index?.delete(id);
    this.retired.set(id, incidentId);
    // Bounded: the oldest retirements are forgotten first (their events stopped long ago).
    if (this.retired.size > 100_000) this.retired.delete(this.retired.keys().next().value!);
  }

  private isQuiet(incident: Working, now: number): boolean {
    for (const a of incident.anomalies.values()) if (a.endedAt === undefined) return false;
    for (const e of incident.emergence.values()) if (e.endedAt === undefined) return false;
    if (!incident.stop)
      for (const waiting of this.pending.values())
        if (this.byAgent.get(waiting.anomaly.agentId) === incident.id) return false;
    return now - incident.lastEventAt >= this.options.quietMs;
  }

  private touch(incident: Working, now: number, eventAt: number): void {
    incident.lastEventAt = Math.max(incident.lastEventAt, eventAt);
    incident.startedAt = Math.min(incident.startedAt, eventAt);
    this.bump(incident, now, 'updated');
    const severity = this.severityOf(incident);
    if (
      SEVERITY_RANK[severity] > SEVERITY_RANK[incident.severity] &&
      incident.anomalies.size + incident.emergence.size > 1
    ) {
      this.timeline(incident, now, 'escalated', `severity ${incident.severity} → ${severity}`);
    }
    incident.severity = severity;
  }

  private bump(incident: Working, now: number, change: IncidentChange['change']): void {
    incident.revision++;
    incident.updatedAt = Math.max(incident.updatedAt, now);
    const previous = this.changes.get(incident.id);
    // One change per incident and drain: opening or resolving says more than an update.
    if (previous === undefined || CHANGE_RANK[change] > CHANGE_RANK[previous]) this.changes.set(incident.id, change);
  }

  private timeline(incident: Working, at: number, kind: TimelineEntry['kind'], detail: string, by?: string): void {
    incident.timeline.push({ at, kind, detail, ...(by !== undefined ? { by } : {}) });
    if (incident.timeline.length > this.options.maxTimeline) incident.timeline.splice(1, 1);
  }

  private severityOf(incident: Working): Severity {
    const levels: Severity[] = [];
    for (const a of incident.anomalies.values()) levels.push(a.severity);
    for (const e of incident.emergence.values()) levels.push(severityOfEmergence(e));
    const top = maxSeverity(levels);
    // Ten agents or more in trouble: a fleet problem, not one agent's. A stop is one event however many it silences.
    return incident.agents.size >= 10 && !incident.stop ? raiseSeverity(top) : top;
  }

  private recordOnset(anomaly: IncidentAnomaly, arrivedAt: number): void {
    // A pool-level anomaly names no agent: it opens a stop by itself.
    if (anomaly.type === STOPPED_REPORTING) return;
    const key = isStopSignal(anomaly) ? STOP_KEY : cohortKeyOf(anomaly);
    const list = this.onsets.get(key);
    const onset = {
      agentId: anomaly.agentId,
      at: isStopSignal(anomaly) ? quietSince(anomaly) : anomaly.startedAt,
      arrivedAt,
    };
    if (list) list.push(onset);
    else this.onsets.set(key, [onset]);
  }

  private pruneOnsets(now: number): void {
    for (const [agentId, incident] of this.reopenable) {
      if (incident.status !== 'resolved' || now - incident.resolvedAt! > this.options.reopenMs)
        this.reopenable.delete(agentId);
    }
    const horizon = now - this.options.groupWaitMs - 2 * this.options.cohortWindowMs;
    for (const [key, list] of this.onsets) {
      let drop = 0;
      while (drop < list.length && list[drop]!.arrivedAt < horizon) drop++;
      if (drop === list.length) this.onsets.delete(key);
      else if (drop > 0) list.splice(0, drop);
    }
  }

  private drain(): IncidentChange[] {
    return [...this.changes.keys()].map((id) => this.drainOne(id));
  }

  /** The pending change of one incident, narrated; the others stay pending. */
  private drainOne(id: string): IncidentChange {
    const change = this.changes.get(id)!;
    const incident = (this.active.get(id) ?? this.closedNow.get(id))!;
    this.changes.delete(id);
    this.closedNow.delete(id);
    const snapshot = this.snapshot(incident);
    incident.narrative = this.narrate(snapshot);
    return { change, incident: { ...snapshot, narrative: incident.narrative } };
  }

  /** Incidents resolved since the last drain (no longer active, still to be reported). */
  private readonly closedNow = new Map<string, Working>();

  private snapshot(incident: Working): Incident {
    const anomalies = [...incident.anomalies.values()].sort(
      (a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || b.score - a.score || a.startedAt - b.startedAt,
    );
    const agents = [...incident.agents].sort((a, b) => a[1].onset - b[1].onset || (a[0] < b[0] ? -1 : 1));
    const pools = new Set<string>();
    const models = new Set<string>();
    for (const [, entry] of agents) {
      if (entry.pool) pools.add(entry.pool);
      if (entry.model) models.add(entry.model);
    }
    for (const a of incident.anomalies.values()) if (a.type === STOPPED_REPORTING) pools.add(a.pool);
    // An emergence scope is a pool, `fleet`, or a group label (`kind:name`): only a pool is one.
    for (const e of incident.emergence.values()) if (e.scope !== 'fleet' && !e.scope.includes(':')) pools.add(e.scope);
    const severity = this.severityOf(incident);
    const emergence = [...incident.emergence.values()].sort((a, b) => a.startedAt - b.startedAt);
    let active = 0;
    for (const a of incident.anomalies.values()) if (a.endedAt === undefined) active++;
    const base: Incident = {
      id: incident.id,
      status: incident.status,
      severity,
      risk: maxRisk([...incident.anomalies.values()].map((a) => a.risk)),
      title: '',
      revision: incident.revision,
      startedAt: incident.startedAt,
      openedAt: incident.openedAt,
      updatedAt: incident.updatedAt,
      lastEventAt: incident.lastEventAt,
      ...(incident.acknowledgedAt !== undefined ? { acknowledgedAt: incident.acknowledgedAt } : {}),
      ...(incident.resolvedAt !== undefined ? { resolvedAt: incident.resolvedAt } : {}),
      ...(incident.resolution !== undefined ? { resolution: incident.resolution } : {}),
      ...(incident.mergedInto !== undefined ? { mergedInto: incident.mergedInto } : {}),
      pools: [...pools].sort(),
      models: [...models].sort(),
      agents: agents.slice(0, this.options.maxListed).map(([id]) => id),
      agentCount: incident.stop
        ? Math.max(agents.length, stoppedAgentCount(incident.anomalies.values()))
        : agents.length,
      anomalies: anomalies.slice(0, this.options.maxListed),
      anomalyCount: anomalies.length,
      activeAnomalies: active,
      emergence,
      reasons: [...incident.reasons],
      narrative: incident.narrative,
      timeline: [...incident.timeline],
    };
    base.title = titleOf(base, anomalies);
    return base;
  }
}

const CHANGE_RANK: Record<IncidentChange['change'], number> = {
  updated: 0,
  acknowledged: 1,
  resolved: 2,
  reopened: 3,
  opened: 4,
};

/** The burst key of a stop (agents going silent together, whatever their pools and models). */
const STOP_KEY = 'stop';

/** The burst key of an anomaly: its model and type (one model, the same metric moving). */
function cohortKeyOf(anomaly: Pick<IncidentAnomaly, 'model' | 'type'>): string {
  return `model:${anomaly.model}\u0000type:${anomaly.type}`;
}

/** The earliest time an emergence event's evidence reaches back to: its start, its window, its spread's first step. */
function evidenceStart(event: EmergenceEvent): number {
  let at = Math.min(event.startedAt, event.window.from);
  for (const step of event.path ?? []) at = Math.min(at, step.at);
  return at;
}

/**
 * When the trouble began: the detector's `startedAt`, or earlier where its evidence says the run it judged began
 * before (`*.runSeconds` counted back from this event's time): an episode opened by one held detector can start after
 * the run of the detector whose type it takes began (the simulator's phase transition showed it: a latency run begun
 * inside the event, an episode opened 110 s later, after the event ended).
 */
function onsetOf(event: AnomalyEvent): number {
  let onset = event.startedAt;
  for (const [key, value] of Object.entries(event.evidence ?? {}))
    if (key.endsWith('.runSeconds') && value > 0) onset = Math.min(onset, event.time - value * 1000);
  return onset;
}

function toEntry(event: AnomalyEvent): IncidentAnomaly {
  return {
    id: event.id,
    agentId: event.agentId,
    pool: event.pool,
    model: event.model,
    type: event.type,
    severity: event.severity,
    score: event.score,
    ...(event.risk !== undefined ? { risk: event.risk } : {}),
    startedAt: onsetOf(event),
    ...(event.event === 'resolved' ? { endedAt: event.endedAt ?? event.time } : {}),
    evidence: event.evidence,
  };
}

function hasAnomalyOf(incident: Working, agentId: string): boolean {
  for (const a of incident.anomalies.values()) if (a.agentId === agentId) return true;
  return false;
}

function emergenceSummary(incident: Working): string {
  const first = [...incident.emergence.values()][0]!;
  return `${first.type.replace(/_/g, ' ')} in ${first.scope}`;
}

function seconds(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Math.round(ms / 1000)} s`;
}

/** Until the narrator runs: an empty narrative of revision 0. */
function placeholderNarrative(): Incident['narrative'] {
  return {
    source: 'template',
    template: 'none',
    revision: 0,
    generatedAt: 0,
    what: '',
    where: '',
    since: '',
    cause: '',
    next: '',
  };
}
