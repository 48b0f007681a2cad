import { RefusalLog } from './refusal-log';

/** A logger that keeps its lines, and a schedule whose flushes the test runs by hand (no clock involved). */
function harness() {
  const lines: Array<{ fields: Record<string, unknown>; message: string }> = [];
  const logger = { warn: (fields: Record<string, unknown>, message: string) => lines.push({ fields, message }) };
  const due: Array<() => void> = [];
  const log = new RefusalLog(logger as never, 10_000, (flush, ms) => {
    expect(ms).toBe(10_000);
    due.push(flush);
  });
  const endInterval = () => {
    const flushes = due.splice(0);
    for (const flush of flushes) flush();
  };
  return { lines, log, due, endInterval };
}

describe('RefusalLog', () => {
  it('logs the first refusal at once and the rest of its interval as one line with their count', () => {
    const { lines, log, endInterval } = harness();
    for (let i = 0; i < 500; i++) log.refused('SWS_OVERLOADED', '/v1/ingest', `shedding ${i}`);
    expect(lines).toEqual([{ fields: { code: 'SWS_OVERLOADED', path: '/v1/ingest' }, message: 'shedding 0' }]);
    endInterval();
    expect(lines).toHaveLength(2);
    expect(lines[1]!.fields).toEqual({ code: 'SWS_OVERLOADED', path: '/v1/ingest', refused: 499, intervalSeconds: 10 });
    expect(lines[1]!.message).toBe(
      '499 more requests refused (SWS_OVERLOADED) in the last 10 s; the last one: shedding 499',
    );
  });

  it('gives sustained refusals one line an interval, and logs at once again after a quiet interval', () => {
    const { lines, log, due, endInterval } = harness();
    log.refused('SWS_OVERLOADED', '/v1/ingest', 'a');
    for (let interval = 0; interval < 3; interval++) {
      for (let i = 0; i < 7; i++) log.refused('SWS_OVERLOADED', '/v1/ingest', 'b');
      endInterval();
    }
    expect(lines.map((line) => line.fields.refused)).toEqual([undefined, 7, 7, 7]);
    endInterval(); // a quiet interval: nothing to say, and no timer left behind
    expect(lines).toHaveLength(4);
    expect(due).toHaveLength(0);
    log.refused('SWS_OVERLOADED', '/v1/ingest', 'c');
    expect(lines[4]).toEqual({ fields: { code: 'SWS_OVERLOADED', path: '/v1/ingest' }, message: 'c' });
  });

  it('counts each code on its own', () => {
    const { lines, log, endInterval } = harness();
    log.refused('SWS_OVERLOADED', '/v1/ingest', 'shed');
    log.refused('SWS_RATE_LIMITED', '/v1/ingest', 'rate');
    log.refused('SWS_RATE_LIMITED', '/v1/ingest', 'rate');
    expect(lines.map((line) => line.message)).toEqual(['shed', 'rate']);
    endInterval();
    expect(lines.slice(2).map((line) => [line.fields.code, line.fields.refused])).toEqual([['SWS_RATE_LIMITED', 1]]);
  });
});
