import { mkdtemp, readFile, writeFile, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './test-support/cli';

/** The built CLI run as a user runs it, to its exit (runCli kills it if the test ends first). */
async function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const cli = runCli(args);
  const code = await cli.exited;
  return { code, ...cli.output() };
}

/** Two days of a 5-minute metric with a daily cycle and one obvious spike near the end. */
function series(): { csv: string; spikeAt: string } {
  const start = Date.UTC(2014, 3, 1);
  const rows = ['timestamp,value'];
  let spikeAt = '';
  for (let i = 0; i < 576; i++) {
    const time = new Date(start + i * 300_000).toISOString().replace('T', ' ').slice(0, 19);
    let value = 50 + 20 * Math.sin((2 * Math.PI * i) / 288) + ((i * 7919) % 13) / 13;
    if (i === 560) {
      value = 400;
      spikeAt = time;
    }
    rows.push(`${time},${value.toFixed(3)}`);
  }
  return { csv: `${rows.join('\n')}\n`, spikeAt };
}

describe('swarmscope detect', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'swarmscope-detect-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('scores a series point by point into timestamp,value,anomaly_score; after a day of history the spike scores highest', async () => {
    const { csv, spikeAt } = series();
    await writeFile(join(dir, 'in.csv'), csv);
    const result = await run(['detect', '--input', join(dir, 'in.csv'), '--output', join(dir, 'out.csv')]);
    expect(result.code).toBe(0);
    const lines = (await readFile(join(dir, 'out.csv'), 'utf8')).trim().split('\n');
    expect(lines[0]).toBe('timestamp,value,anomaly_score');
    expect(lines).toHaveLength(577);
    const rows = lines.slice(1).map((line) => line.split(','));
    for (const [, , score] of rows) expect(Number(score)).toBeGreaterThanOrEqual(0);
    for (const [, , score] of rows) expect(Number(score)).toBeLessThanOrEqual(1);
    // The first day is the detector's warm-up (NAB's probation period): a new daily high is news then.
    const afterWarmUp = rows.slice(288);
    const top = afterWarmUp.reduce((best, row) => (Number(row[2]) > Number(best[2]) ? row : best));
    expect(top[0]).toBe(spikeAt);
    expect(Number(top[2])).toBeGreaterThan(0.9);
  });

  it('mirrors a directory of series', async () => {
    await mkdir(join(dir, 'many', 'sub'), { recursive: true });
    await writeFile(join(dir, 'many', 'a.csv'), series().csv);
    await writeFile(join(dir, 'many', 'sub', 'b.csv'), series().csv);
    const result = await run([
      'detect',
      '--input-dir',
      join(dir, 'many'),
      '--output-dir',
      join(dir, 'scored'),
      '--quiet',
    ]);
    expect(result.code).toBe(0);
    expect((await readFile(join(dir, 'scored', 'sub', 'b.csv'), 'utf8')).split('\n')[0]).toBe(
      'timestamp,value,anomaly_score',
    );
  });

  it('exits 1 naming the file when the input is missing, and 2 on a bad flag', async () => {
    const missing = await run(['detect', '--input', join(dir, 'nope.csv'), '--output', join(dir, 'x.csv')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('nope.csv');
    const bad = await run(['detect', '--input', join(dir, 'in.csv')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--output');
  });

  it('exits 1 naming the line of a row that is not a number', async () => {
    await writeFile(join(dir, 'bad.csv'), 'timestamp,value\n2014-04-01 00:00:00,1\n2014-04-01 00:05:00,abc\n');
    const result = await run(['detect', '--input', join(dir, 'bad.csv'), '--output', join(dir, 'bad-out.csv')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/line 3/);
  });
});
