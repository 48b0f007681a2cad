import type { AnomalyEvent } from '@swarmscope/core';

/**
 * What a restarted platform does with the anomalies of its history. The list of anomalies comes back as it was (every
 * event replayed in order). Those still open cannot stay open: the detector that would resolve them starts with no
 * baseline, so each gets a `resolved` event at the restart saying why, and a problem that persists opens a new anomaly
 * once the agent's baseline is learned again. Pure: events and time in, events out.
 */
export function continueAnomalies(
  events: readonly AnomalyEvent[],
  restartedAt: number,
): { replay: AnomalyEvent[]; close: AnomalyEvent[] } {
  const replay = [...events].sort((a, b) => a.time - b.time || rank(a) - rank(b));
  const latest = new Map<string, AnomalyEvent>();
  for (const event of replay) latest.set(event.id, event);
  const close: AnomalyEvent[] = [];
  for (const last of latest.values()) {
    if (last.event === 'resolved') continue;
    close.push({
      ...last,
      event: 'resolved',
      time: Math.max(restartedAt, last.time),
      endedAt: Math.max(restartedAt, last.time),
      explanation: `${last.explanation} — closed at a restart of the platform: this agent's baseline is learned again, and a problem that persists opens a new anomaly`,
    });
  }
  return { replay, close };
}

const RANK = { opened: 0, updated: 1, resolved: 2 } as const;
const rank = (event: AnomalyEvent) => RANK[event.event];
