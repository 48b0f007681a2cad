import type { AnomalyEvent } from '@swarmscope/core';
import { objectBytes } from '../detectors/stream/detector';
import type { Severity } from '../detectors/stream/ensemble';
import type { RiskClass } from '../detectors/agent/risk';

// Method: episode grouping with a hold-off (alarm "debouncing" as in Prometheus' `for`/resolve semantics): an episode
// opens at the first anomalous report and closes after k consecutive normal reports or T ms of data time without one,
// T at least `recoveryGaps` of the agent's usual gaps between reports, and between the episodes' anomalous reports (an
// agent reporting every 20 s must not see one fault split into several anomalies by a 60-s timer).
// Its `startedAt` is the onset the detector found (a held shift began before the report that opened it).

/** What one anomalous report of an agent amounts to. */
export interface Finding {
  score: number;
  confidence: number;
  severity: Exclude<Severity, 'none'>;
  type: string;
  risk: RiskClass;
  detectors: string[];
  features: string[];
  evidence: Record<string, number>;
  explanation: string;
  /** Data time the trouble began when a detector found it earlier than this report (it waited for it to hold). */
  onset?: number;
}

/** Who the episode is about. */
export interface EpisodeSubject {
  agentId: string;
  model: string;
  pool: string;
}

export interface EpisodeOptions {
  /** Consecutive normal reports that close an episode (default 30: a detector hovering at its threshold does not flap). */
  recoveryReports?: number;
  /** Data time without an anomalous report that closes an episode (default 60 s; at least recoveryGaps usual gaps). */
  recoveryMs?: number;
  /**
   * An episode also stays open this many usual gaps — the agent's between reports (given by the caller) or its
   * episodes' between anomalous reports, the longer (default 8: with Poisson
   * arrivals a gap of 8 means happens with probability e⁻⁸ ≈ 3·10⁻⁴, so a 30-report episode splits ≈ 1 % of the time).
   */
  recoveryGaps?: number;
  /** Score rise over the last published score that publishes an `updated` event (default 0.1); a higher severity or risk always does. */
  escalation?: number;
  /**
   * Types from the most to the least specific. A finding of a more specific type within `escalation` of the
   * episode's strongest score takes over the episode's type (e.g. `model_drift` explains the `quality_degradation`
   * it causes) and publishes an `updated` event. Types not listed rank last. Default: none (the strongest score wins).
   */
  typePriority?: readonly string[];
  /** Inserted in ids after the agent id (`<agentId>:<idPrefix>:<startedAt>:<n>`), for several trackers per agent. */
  idPrefix?: string | undefined;
}

const SEVERITY_RANK: Record<Finding['severity'], number> = { low: 0, medium: 1, high: 2, critical: 3 };
const RISK_RANK: Record<RiskClass, number> = { low: 0, medium: 1, high: 2 };
const NO_EVENTS: readonly AnomalyEvent[] = Object.freeze([]) as readonly AnomalyEvent[];
/** EWMA weight of one gap between anomalous reports (≈ the last 8). */
const GAP_WEIGHT = 1 / 8;

/**
 * One agent's anomaly episodes: consecutive anomalous reports form ONE open anomaly (`opened`, then `updated` when it
 * escalates — higher severity, higher risk, a score `escalation` above the last published one, or a more specific
 * type — and `resolved` once the agent recovers). Events carry the episode's finding (type, detectors, evidence,
 * explanation: the most specific, then strongest) with the highest score, severity and risk reached. Ids are
 * `<agentId>:<startedAt>:<n>`, n counting this tracker's episodes, so they are stable and unique per agent.
 * Events are fresh objects; with nothing to say the shared empty array is returned.
 */
export class EpisodeTracker {
  private readonly recoveryReports: number;
  private readonly recoveryMs: number;
  private readonly recoveryGaps: number;
  /** EWMA of the gaps between consecutive anomalous reports of an episode (0: none seen yet). */
  private gapMs = 0;
  private readonly escalation: number;
  private readonly priority: readonly string[];
  private readonly idPrefix: string;
  private id = '';
  private startedAt = 0;
  private opened = 0;
  private lastAnomalousAt = 0;
  private normalStreak = 0;
  private peak: Finding | undefined;
  private maxScore = 0;
  private maxSeverity: Finding['severity'] = 'low';
  private maxRisk: RiskClass = 'low';
  private publishedScore = 0;
  private publishedSeverity: Finding['severity'] = 'low';
  private publishedRisk: RiskClass = 'low';
  private publishedType = '';
  private count = 0;

  constructor(options: EpisodeOptions = {}) {
    this.recoveryReports = options.recoveryReports ?? 30;
    this.recoveryMs = options.recoveryMs ?? 60_000;
    this.recoveryGaps = options.recoveryGaps ?? 8;
    this.escalation = options.escalation ?? 0.1;
    this.priority = options.typePriority ?? [];
    this.idPrefix = options.idPrefix ? `${options.idPrefix}:` : '';
  }

  get open(): boolean {
    return this.peak !== undefined;
  }

  /** The open episode's id ('' when none). */
  get openId(): string {
    return this.id;
  }

  /** When the open episode was opened (data time of the report that opened it; its `startedAt` may be earlier). */
  get openedAt(): number {
    return this.opened;
  }

  /** The open episode's strongest finding so far. */
  get strongest(): Finding | undefined {
    return this.peak;
  }

  /**
   * Feeds one report's outcome (`finding` undefined = a normal report); returns the events it causes. `usualGapMs`:
   * the agent's usual gap between reports (0: unknown).
   */
  onReport(
    subject: EpisodeSubject,
    timestamp: number,
    finding: Finding | undefined,
    usualGapMs = 0,
  ): readonly AnomalyEvent[] {
    let resolved: AnomalyEvent | undefined;
    if (this.peak && timestamp - this.lastAnomalousAt >= this.recovery(usualGapMs))
      resolved = this.resolve(subject, timestamp);
    if (!finding) {
      if (!this.peak) return resolved ? [resolved] : NO_EVENTS;
      if (++this.normalStreak >= this.recoveryReports) resolved = this.resolve(subject, timestamp);
      return resolved ? [resolved] : NO_EVENTS;
    }
    this.normalStreak = 0;
    let event: AnomalyEvent | undefined;
    if (!this.peak) {
      this.count++;
      this.opened = timestamp;
      this.startedAt = finding.onset !== undefined && finding.onset < timestamp ? finding.onset : timestamp;
      this.lastAnomalousAt = timestamp;
      this.id = `${subject.agentId}:${this.idPrefix}${this.startedAt}:${this.count}`;
      this.peak = finding;
      this.maxScore = finding.score;
      this.maxSeverity = finding.severity;
      this.maxRisk = finding.risk;
      event = this.event('opened', subject, timestamp);
    } else {
      if (timestamp > this.lastAnomalousAt) {
        const gap = timestamp - this.lastAnomalousAt;
        this.gapMs = this.gapMs > 0 ? this.gapMs + GAP_WEIGHT * (gap - this.gapMs) : gap;
        this.lastAnomalousAt = timestamp;
      }
      // The episode's finding: a more specific type close to the best score, else the strongest of as specific a type.
      const rank = this.rank(finding.type);
      const peakRank = this.rank(this.peak.type);
      if (
        (rank < peakRank && finding.score >= this.maxScore - this.escalation) ||
        (rank <= peakRank && finding.score > this.peak.score)
      )
        this.peak = finding;
      if (finding.score > this.maxScore) this.maxScore = finding.score;
      if (SEVERITY_RANK[finding.severity] > SEVERITY_RANK[this.maxSeverity]) this.maxSeverity = finding.severity;
      if (RISK_RANK[finding.risk] > RISK_RANK[this.maxRisk]) this.maxRisk = finding.risk;
      const escalated =
        SEVERITY_RANK[this.maxSeverity] > SEVERITY_RANK[this.publishedSeverity] ||
        RISK_RANK[this.maxRisk] > RISK_RANK[this.publishedRisk] ||
        this.maxScore >= this.publishedScore + this.escalation ||
        this.peak.type !== this.publishedType;
      if (escalated) event = this.event('updated', subject, timestamp);
    }
    if (resolved) return event ? [resolved, event] : [resolved];
    return event ? [event] : NO_EVENTS;
  }

  /** Closes the episode if `timestamp` is its recovery time past its last anomalous report (for agents gone quiet). */
  onTime(subject: EpisodeSubject, timestamp: number, usualGapMs = 0): AnomalyEvent | undefined {
    if (this.peak && timestamp - this.lastAnomalousAt >= this.recovery(usualGapMs))
      return this.resolve(subject, timestamp);
    return undefined;
  }

  /** Data time without an anomalous report that closes the open episode: recoveryMs, or recoveryGaps usual gaps. */
  private recovery(usualGapMs: number): number {
    const gaps = this.recoveryGaps * (usualGapMs > this.gapMs ? usualGapMs : this.gapMs);
    return gaps > this.recoveryMs ? gaps : this.recoveryMs;
  }

  /** Closes the open episode now (the agent is being forgotten); undefined when none is open. */
  close(subject: EpisodeSubject, timestamp: number): AnomalyEvent | undefined {
    return this.peak ? this.resolve(subject, timestamp) : undefined;
  }

  private rank(type: string): number {
    const i = this.priority.indexOf(type);
    return i < 0 ? this.priority.length : i;
  }

  stateBytes(): number {
    // The findings are shared with the events; count the tracker's own fields and the id string.
    return objectBytes(13) + 2 * this.id.length + (this.peak ? objectBytes(9) : 0);
  }

  private resolve(subject: EpisodeSubject, timestamp: number): AnomalyEvent {
    const event = this.event('resolved', subject, timestamp);
    event.endedAt = this.lastAnomalousAt;
    this.peak = undefined;
    this.id = '';
    this.normalStreak = 0;
    return event;
  }

  /** An event with the episode's finding, its highest score, severity and risk so far; remembered as published. */
  private event(kind: AnomalyEvent['event'], subject: EpisodeSubject, timestamp: number): AnomalyEvent {
    const f = this.peak!;
    this.publishedScore = this.maxScore;
    this.publishedSeverity = this.maxSeverity;
    this.publishedRisk = this.maxRisk;
    this.publishedType = f.type;
    return {
      id: this.id,
      event: kind,
      time: timestamp,
      startedAt: this.startedAt,
      agentId: subject.agentId,
      model: subject.model,
      pool: subject.pool,
      type: f.type,
      severity: this.maxSeverity,
      score: this.maxScore,
      confidence: f.confidence,
      risk: this.maxRisk,
      detectors: f.detectors,
      features: f.features,
      evidence: f.evidence,
      explanation: f.explanation,
    };
  }
}
