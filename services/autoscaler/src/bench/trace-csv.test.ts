import { parseTraceCsv, scaleToMean, TraceFormatError } from './trace-csv';

describe('parseTraceCsv', () => {
  it('reads NAB-style rows onto a regular grid; gaps hold the last value', () => {
    const trace = parseTraceCsv(
      'timestamp,value\n2014-02-14 14:30:00,1\n2014-02-14 14:35:00,2\n2014-02-14 14:45:00,4\n2014-02-14 14:50:00,5\n',
      't',
    );
    expect(trace.stepSeconds).toBe(300);
    expect([...trace.rps]).toEqual([1, 2, 2, 4, 5]);
  });

  it('accepts ISO with a zone, epoch seconds and milliseconds, columns in any order', () => {
    expect(parseTraceCsv('value,timestamp\n3,2026-01-01T00:00:00Z\n4,2026-01-01T00:01:00Z\n', 'a').stepSeconds).toBe(
      60,
    );
    expect(parseTraceCsv('timestamp,value\n1700000000,1\n1700000015,2\n', 'b').stepSeconds).toBe(15);
    expect(parseTraceCsv('timestamp,value\n1700000000000,1\n1700000010000,2\n', 'c').stepSeconds).toBe(10);
  });

  it('names the line and the problem', () => {
    expect(() => parseTraceCsv('time,load\n1,2\n', 'x')).toThrow(
      /x: line 1: the header must name the columns timestamp and value/,
    );
    expect(() => parseTraceCsv('timestamp,value\n1700000000,1\n1700000060,-2\n', 'x')).toThrow(
      /x: line 3: value "-2" must be a finite number ≥ 0/,
    );
    expect(() => parseTraceCsv('timestamp,value\n1700000000,1\nyesterday,2\n', 'x')).toThrow(
      /line 3: timestamp "yesterday"/,
    );
    expect(() => parseTraceCsv('timestamp,value\n1700000060,1\n1700000000,2\n', 'x')).toThrow(
      /line 3: timestamps must not decrease/,
    );
    expect(() => parseTraceCsv('timestamp,value\n1700000060,1\n', 'x')).toThrow(TraceFormatError);
  });

  it('averages rows that share a timestamp (a clock change in real exports)', () => {
    expect([...parseTraceCsv('timestamp,value\n0,1\n60,2\n60,4\n60,6\n120,5\n', 'd').rps]).toEqual([1, 4, 5]);
  });

  it('scales to a mean, keeping the shape', () => {
    const scaled = scaleToMean(parseTraceCsv('timestamp,value\n0,1\n60,3\n', 's'), 10);
    expect([...scaled.rps]).toEqual([5, 15]);
  });
});
