import { continueAnomalies } from './continuation';
import { anomaly } from './test-support/fixtures';

describe('continueAnomalies', () => {
  const opened = anomaly('an-1', 1_000);
  const updated = { ...anomaly('an-1', 2_000), event: 'updated' as const, score: 0.9 };
  const other = anomaly('an-2', 1_500);
  const otherResolved = { ...anomaly('an-2', 3_000), event: 'resolved' as const };

  it('replays every event in time order and closes, at the restart, only the anomalies still open', () => {
    const { replay, close } = continueAnomalies([otherResolved, updated, other, opened], 10_000);
    expect(replay.map((e) => [e.id, e.event])).toEqual([
      ['an-1', 'opened'],
      ['an-2', 'opened'],
      ['an-1', 'updated'],
      ['an-2', 'resolved'],
    ]);
    expect(close).toHaveLength(1);
    expect(close[0]).toMatchObject({
      id: 'an-1',
      event: 'resolved',
      time: 10_000,
      endedAt: 10_000,
      score: 0.9,
      agentId: 'a-1',
    });
    expect(close[0]!.explanation).toContain('closed at a restart of the platform');
  });

  it("orders an anomaly's events of one timestamp opened, updated, resolved, and closes nothing when all are resolved", () => {
    const resolved = { ...anomaly('an-1', 1_000), event: 'resolved' as const };
    const { replay, close } = continueAnomalies([resolved, opened], 5_000);
    expect(replay.map((e) => e.event)).toEqual(['opened', 'resolved']);
    expect(close).toEqual([]);
  });

  it("never dates a closing event before the anomaly's last event (a clock behind the data)", () => {
    expect(continueAnomalies([opened], 500).close[0]!.time).toBe(1_000);
  });
});
