import { MessageChannel } from 'node:worker_threads';
import { decodeReportColumns, encodeReportColumns, reportColumnsTransfer, type ReportColumns } from './report-columns';
import type { SampleReport } from './topics';

const T0 = 1_767_600_000_000;

/** Reports with every optional field present or absent, repeated and distinct strings, non-ASCII and a lone surrogate. */
function reports(): SampleReport[] {
  const out: SampleReport[] = [];
  for (let i = 0; i < 300; i++) {
    const report: SampleReport = {
      agentId: `agent-${i % 97}`,
      timestamp: T0 + i * 1000.5,
      model: i % 3 === 0 ? 'gpt-4o' : 'modèle-ü',
      pool: `pool-${i % 5}`,
      type: i % 7 === 0 ? '' : 'general',
      metrics:
        i % 11 === 0
          ? {}
          : { response_time_seconds: i / 7, requests: i, errors: i % 4, [`custom_${i % 13}`]: -i * 1e-300 },
      quality: i % 2 === 0 ? { accuracy: 0.5 + i / 1000, coherence: 1 } : {},
    };
    if (i % 3 !== 1) report.receivedAt = T0 + i * 1000 + 17;
    if (i % 5 === 0) report.traceId = i.toString(16).padStart(32, '0');
    if (i % 17 === 0) report.labels = { team: `équipe ${i}`, odd: '\ud800 lone' };
    if (i % 19 === 0) report.tools = { search: { calls: 3, errors: 1, durationSeconds: 0.25 }, 'a.b': { calls: 0 } };
    out.push(report);
  }
  return out;
}

describe('report columns', () => {
  it('give back reports deep-equal to those encoded, every optional field kept or left absent', () => {
    const input = reports();
    const decoded = decodeReportColumns(encodeReportColumns(input));
    expect(decoded).toEqual(input);
    // Absent optional fields stay absent (not present as undefined): consumers test `'labels' in report`-free code too.
    expect(Object.keys(decoded[1]!).sort()).toEqual([
      'agentId',
      'metrics',
      'model',
      'pool',
      'quality',
      'timestamp',
      'type',
    ]);
    expect(Object.keys(decoded[0]!).sort()).toEqual([
      'agentId',
      'labels',
      'metrics',
      'model',
      'pool',
      'quality',
      'receivedAt',
      'timestamp',
      'tools',
      'traceId',
      'type',
    ]);
  });

  it("keep the order of each report's metric names", () => {
    const [decoded] = decodeReportColumns(
      encodeReportColumns([{ ...reports()[1]!, metrics: { zeta: 1, alpha: 2, mid: 3 } }]),
    );
    expect(Object.keys(decoded!.metrics)).toEqual(['zeta', 'alpha', 'mid']);
  });

  it('store each distinct string once', () => {
    const columns = encodeReportColumns(reports());
    // 97 agents, 2 models, 5 pools, 2 types, 60 trace ids, labels/tools JSON, metric and quality names.
    expect(columns.stringLengths.length).toBeLessThan(250);
    expect(columns.count).toBe(300);
  });

  it('cross a MessagePort with their buffers transferred (moved: empty on the posting side)', async () => {
    const input = reports();
    const columns = encodeReportColumns(input);
    const { port1, port2 } = new MessageChannel();
    try {
      const received = new Promise<ReportColumns>((resolve) => port2.once('message', resolve));
      port1.postMessage(columns, reportColumnsTransfer(columns));
      expect(columns.refs.byteLength).toBe(0);
      expect(columns.numbers.byteLength).toBe(0);
      expect(decodeReportColumns(await received)).toEqual(input);
    } finally {
      port1.close();
      port2.close();
    }
  });

  it('encode an empty batch', () => {
    expect(decodeReportColumns(encodeReportColumns([]))).toEqual([]);
  });

  it('refuse a string table whose lengths do not add up, naming both sizes', () => {
    const columns = encodeReportColumns(reports().slice(0, 2));
    expect(() => decodeReportColumns({ ...columns, strings: `${columns.strings}x` })).toThrow(
      /string table holds \d+ code units, its lengths sum to \d+/,
    );
  });
});
