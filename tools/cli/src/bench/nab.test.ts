import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { meanHeldOut, NabBenchError, runNabBench } from './nab';

describe('swarmscope bench nab: faults are one clear error', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nab-test-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('names the missing part of the NAB folder', () => {
    expect(() => runNabBench({ nabDir: join(dir, 'absent') })).toThrow(
      new NabBenchError(`no data folder at ${join(dir, 'absent', 'data')} (give the NAB folder with --nab-dir)`),
    );
    mkdirSync(join(dir, 'data', 'only'), { recursive: true });
    mkdirSync(join(dir, 'labels'));
    writeFileSync(join(dir, 'labels', 'combined_windows.json'), '{}');
    expect(() => runNabBench({ nabDir: dir })).toThrow(`no scorer at ${join(dir, 'score.py')}`);
    writeFileSync(join(dir, 'score.py'), '');
    expect(() => runNabBench({ nabDir: dir })).toThrow('needs at least two category folders');
  });

  it('reports a failing scorer with its last line of stderr', () => {
    for (const category of ['a', 'b']) {
      mkdirSync(join(dir, 'data', category), { recursive: true });
      const rows = Array.from(
        { length: 50 },
        (_, i) =>
          `2024-01-01 ${String(Math.floor(i / 12)).padStart(2, '0')}:${String((i % 12) * 5).padStart(2, '0')}:00,${i % 7}`,
      );
      writeFileSync(join(dir, 'data', category, 'x.csv'), ['timestamp,value', ...rows].join('\n') + '\n');
    }
    mkdirSync(join(dir, 'labels'));
    writeFileSync(join(dir, 'labels', 'combined_windows.json'), '{}');
    writeFileSync(
      join(dir, 'score.py'),
      'import sys\nsys.stderr.write("nab_score: error: broken on purpose\\n")\nsys.exit(2)\n',
    );
    expect(() => runNabBench({ nabDir: dir })).toThrow(
      /the scorer failed \(python3 .*score\.py\): nab_score: error: broken on purpose/,
    );
  });
});

describe('meanHeldOut', () => {
  it('averages the categories that hold windows (one without any has no score)', () => {
    const fold = (normalized: number | null) => ({
      normalized,
      raw: 0,
      threshold: 0.9,
      falsePositiveRows: 0,
      windowsDetected: 0,
      windows: 0,
    });
    expect(meanHeldOut({ a: fold(null), b: fold(60), c: fold(90) })).toBe(75);
    expect(meanHeldOut({ a: fold(null) })).toBeNaN();
  });
});
