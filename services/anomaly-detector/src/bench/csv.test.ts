import { type CsvError, CsvScorer, SCORED_HEADER, splitCsvLine } from './csv';
import { StreamDetector } from '../detectors/stream/ensemble';
import { gaussian } from '../test-support/random';

const lines = (n: number, seed = 1): string[] => {
  const noise = gaussian(seed);
  const start = Date.UTC(2014, 3, 1);
  const pad = (x: number) => String(x).padStart(2, '0');
  return Array.from({ length: n }, (_, i) => {
    const d = new Date(start + i * 300_000);
    const ts = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:00`;
    return `${ts},${(20 + noise() + (i > 1500 ? 8 : 0)).toFixed(4)}`;
  });
};

const score = (input: string[]): string[] => {
  const s = new CsvScorer();
  const out = input.map((l) => s.line(l)).filter((l): l is string => l !== undefined);
  s.finish();
  return out;
};

describe('CsvScorer', () => {
  it('writes timestamp,value,anomaly_score with the timestamp and value exactly as read', () => {
    const input = ['timestamp,value', ...lines(2000)];
    const out = score(input);
    expect(out[0]).toBe(SCORED_HEADER);
    expect(out).toHaveLength(2001);
    const detector = new StreamDetector();
    for (let i = 1; i < out.length; i++) {
      const [ts, value, s] = out[i]!.split(',');
      expect(`${ts},${value}`).toBe(input[i]);
      const expected = detector.update(Date.parse(`${ts!.replace(' ', 'T')}Z`), Number(value)).score;
      expect(Number(s)).toBeCloseTo(expected, 8);
      expect(Number(s)).toBeGreaterThanOrEqual(0);
      expect(Number(s)).toBeLessThanOrEqual(1);
    }
  });

  it('has no look-ahead: a file cut short scores its rows exactly as the whole file does', () => {
    const all = ['timestamp,value', ...lines(2500, 2)];
    const whole = score(all);
    const cut = score(all.slice(0, 1601));
    expect(cut).toEqual(whole.slice(0, 1601));
  });

  it('finds its columns by name, skips blank lines, strips a BOM and a stray CR, and reads quoted fields', () => {
    const out = score([
      '\uFEFFnote,"timestamp",value',
      '',
      '"a, b",2014-04-01 00:00:00,1.5\r',
      'x,"2014-04-01 00:05:00",2.5',
    ]);
    expect(out).toEqual([SCORED_HEADER, '2014-04-01 00:00:00,1.5,0', '2014-04-01 00:05:00,2.5,0']);
  });

  it('writes an empty value with score 0 and counts it', () => {
    const s = new CsvScorer();
    s.line('timestamp,value');
    expect(s.line('2014-04-01 00:00:00,')).toBe('2014-04-01 00:00:00,,0');
    expect(s.missing).toBe(1);
    expect(s.rows).toBe(1);
  });

  it('names the line and the problem', () => {
    const bad = (input: string[]): CsvError => {
      try {
        score(input);
      } catch (error) {
        return error as CsvError;
      }
      throw new Error('expected a CsvError');
    };
    expect(bad(['time,val', '1,2']).message).toMatch(/^line 1: the header needs "timestamp" and "value" columns/);
    expect(bad(['timestamp,value', '2014-04-01 00:00:00,1', 'soon,2']).message).toBe(
      'line 3: timestamp "soon" is not a date-time or epoch number',
    );
    expect(bad(['timestamp,value', '2014-04-01 00:00:00,abc']).message).toBe(
      'line 2: value "abc" is not a finite number',
    );
    expect(bad(['timestamp,value,extra', '2014-04-01 00:00:00']).line).toBe(2);
    expect(bad([]).message).toMatch(/no header line/);
    expect(bad(['timestamp,value', '"2014-04-01 00:00:00,1']).message).toBe('line 2: unterminated quoted field');
  });
});

describe('splitCsvLine', () => {
  it('splits plain and quoted fields', () => {
    expect(splitCsvLine('a,b,,c')).toEqual(['a', 'b', '', 'c']);
    expect(splitCsvLine('"a,1","b ""q""",c')).toEqual(['a,1', 'b "q"', 'c']);
  });
});
