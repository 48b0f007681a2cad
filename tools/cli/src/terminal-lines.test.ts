import { formatLogLine, LiveTerminal } from './terminal-lines';

const json = (record: object) => JSON.stringify(record);

describe('log lines on a terminal', () => {
  it('shows a pino line as time, level, service, message and the other fields', () => {
    const line = json({
      level: 'warn',
      time: '2026-12-07T14:05:09.123Z',
      service: 'incidents',
      pid: 1,
      hostname: 'h',
      msg: 'alert post failed',
      status: 503,
      err: 'timeout',
      pools: ['a', 'b'],
    });
    expect(formatLogLine(line)).toBe(
      '14:05:09  WARN   incidents  alert post failed  status=503  err=timeout  pools=["a","b"]',
    );
  });

  it('shows a line that is not JSON as it is', () => {
    expect(formatLogLine('plain text\n')).toBe('plain text');
    expect(formatLogLine('null')).toBe('null');
  });
});

describe('the live summary line and the logs above it', () => {
  it('clears the summary line before a log line, then draws the summary again under it', () => {
    const terminal = new LiveTerminal();
    expect(terminal.showSummary('agents 40 · p95 1.99 s')).toBe('\r\x1b[2Kagents 40 · p95 1.99 s');
    const log = json({ level: 'info', time: '2026-12-07T14:05:09.123Z', service: 'health-monitor', msg: 'listening' });
    expect(terminal.showLog(`${log}\n`)).toBe(
      '\r\x1b[2K14:05:09  INFO   health-monitor  listening\nagents 40 · p95 1.99 s',
    );
  });

  it('prints several lines of one chunk above the summary, and nothing for an empty chunk', () => {
    const terminal = new LiveTerminal();
    terminal.showSummary('s');
    expect(terminal.showLog('a\nb\n')).toBe('\r\x1b[2Ka\nb\ns');
    expect(terminal.showLog('\n')).toBe('');
  });

  it('ends the live line with a newline only when one was drawn', () => {
    const terminal = new LiveTerminal();
    expect(terminal.end()).toBe('');
    terminal.showSummary('s');
    expect(terminal.end()).toBe('\n');
    expect(terminal.showLog('a\n')).toBe('\r\x1b[2Ka\n');
  });
});
