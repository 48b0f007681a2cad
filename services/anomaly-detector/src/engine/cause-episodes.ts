import type { AnomalyEvent } from '@swarmscope/core';
import { EpisodeTracker, type EpisodeOptions, type EpisodeSubject, type Finding } from './anomaly-episodes';
import type { AgentAnomalyType } from '../detectors/agent/signal';

// Why: one open anomaly per agent swallowed every later finding of that agent, whatever its cause (an open
// memory-drift anomaly hid a real leak, a drift hid a flood). Causes that evolve on their own time scales get their
// own episode; findings of one cause still group (a flood's error surge and latency stay one `request_surge`), and a
// cause that fires within `coOnsetMs` of another's opening joins that anomaly: one fault moves several signals at once
// (a model drift shifts latency before its output distribution is judged), a later, unrelated one does not.

/** Independent causes: each has its own open anomaly per agent. */
export const CAUSES = ['acute', 'slo', 'memory', 'drift', 'presence'] as const;
export type Cause = (typeof CAUSES)[number];

/** The cause of each anomaly type: acute load and error faults, SLO burn, memory growth, output drift, presence. */
export const CAUSE_OF: Readonly<Record<AgentAnomalyType, Cause>> = {
  request_surge: 'acute',
  port_scan: 'acute',
  error_surge: 'acute',
  token_spike: 'acute',
  latency_spike: 'acute',
  multivariate: 'acute',
  statistical: 'acute',
  latency_slo: 'slo',
  memory_leak: 'memory',
  model_drift: 'drift',
  quality_degradation: 'drift',
  silent: 'presence',
  stopped_reporting: 'presence',
};

const PRESENCE = CAUSES.indexOf('presence');
const GENERIC: ReadonlySet<string> = new Set(['multivariate', 'statistical']);
const NO_EVENTS: readonly AnomalyEvent[] = Object.freeze([]) as readonly AnomalyEvent[];

/**
 * One agent's episodes, one {@link EpisodeTracker} per cause (created when the cause first fires). Ids: the acute
 * cause keeps `<agentId>:<startedAt>:<n>`; the others are `<agentId>:<cause>:<startedAt>:<n>`, so they never collide.
 */
export class CauseEpisodes {
  private readonly trackers: Array<EpisodeTracker | undefined> = new Array(CAUSES.length).fill(undefined);
  private readonly routed: Array<Finding | undefined> = new Array(CAUSES.length).fill(undefined);

  /** `coOnsetMs`: a cause firing this soon after another cause's anomaly opened joins it (default 180 s). */
  constructor(
    private readonly options: EpisodeOptions,
    private readonly coOnsetMs = 180_000,
  ) {}

  /** Whether any cause has an open anomaly. */
  get open(): boolean {
    for (const t of this.trackers) if (t?.open) return true;
    return false;
  }

  /** The id of an open anomaly ('' when none): the first cause's in {@link CAUSES} order. */
  get openId(): string {
    for (const t of this.trackers) if (t?.open) return t.openId;
    return '';
  }

  /** Whether `cause` has an open anomaly. */
  isOpen(cause: Cause): boolean {
    return this.trackers[CAUSES.indexOf(cause)]?.open ?? false;
  }

  /** The type of `cause`'s open anomaly (undefined when none is open). */
  openType(cause: Cause): string | undefined {
    const t = this.trackers[CAUSES.indexOf(cause)];
    return t?.open ? t.strongest?.type : undefined;
  }

  /**
   * Feeds one report: `findings[i]` is the finding of cause CAUSES[i] (undefined: that cause is normal on this
   * report); `usualGapMs` the agent's usual gap between reports (episodes stay open a few of them). Returns the events,
   * in cause order.
   */
  onReport(
    subject: EpisodeSubject,
    timestamp: number,
    findings: ReadonlyArray<Finding | undefined>,
    usualGapMs = 0,
  ): readonly AnomalyEvent[] {
    const routed = this.routed;
    for (let i = 0; i < CAUSES.length; i++) routed[i] = findings[i];
    // A cause with nothing open that fires soon after another cause's anomaly opened joins that anomaly (when that
    // cause has no finding of its own on this report); `presence` (from sweeps) stays apart.
    // A generic finding (`multivariate`, `statistical`: no cause of its own) joins any open anomaly, however old.
    for (let i = 0; i < PRESENCE; i++) {
      const finding = routed[i];
      if (!finding || this.trackers[i]?.open) continue;
      const generic = GENERIC.has(finding.type);
      for (let j = 0; j < PRESENCE; j++) {
        const other = this.trackers[j];
        if (j === i || !other?.open || (!generic && timestamp - other.openedAt > this.coOnsetMs)) continue;
        if (!routed[j]) routed[j] = routed[i];
        routed[i] = undefined;
        break;
      }
    }
    let out: AnomalyEvent[] | undefined;
    for (let i = 0; i < CAUSES.length; i++) {
      const finding = routed[i];
      let tracker = this.trackers[i];
      if (!tracker) {
        if (!finding) continue;
        tracker = this.trackers[i] = new EpisodeTracker({ ...this.options, idPrefix: i === 0 ? undefined : CAUSES[i] });
      }
      const events = tracker.onReport(subject, timestamp, finding, usualGapMs);
      if (events.length) (out ??= []).push(...events);
    }
    return out ?? NO_EVENTS;
  }

  /** Closes the causes whose last anomalous report is their recovery time old (agents gone quiet). */
  onTime(subject: EpisodeSubject, timestamp: number, events: AnomalyEvent[], usualGapMs = 0): void {
    for (const t of this.trackers) {
      const closed = t?.onTime(subject, timestamp, usualGapMs);
      if (closed) events.push(closed);
    }
  }

  /** Closes every open anomaly now (the agent is forgotten, or went silent). */
  close(subject: EpisodeSubject, timestamp: number, events: AnomalyEvent[]): void {
    for (const t of this.trackers) {
      const closed = t?.close(subject, timestamp);
      if (closed) events.push(closed);
    }
  }

  /** Closes one cause's open anomaly now. */
  closeCause(cause: Cause, subject: EpisodeSubject, timestamp: number, events: AnomalyEvent[]): void {
    const closed = this.trackers[CAUSES.indexOf(cause)]?.close(subject, timestamp);
    if (closed) events.push(closed);
  }

  stateBytes(): number {
    let bytes = 24 + 8 * CAUSES.length;
    for (const t of this.trackers) if (t) bytes += t.stateBytes();
    return bytes;
  }
}
