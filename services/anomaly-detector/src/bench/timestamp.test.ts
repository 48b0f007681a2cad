import { parseTimestamp } from './timestamp';

describe('parseTimestamp', () => {
  it('reads NAB timestamps as UTC', () => {
    expect(parseTimestamp('2014-04-01 00:00:00')).toBe(Date.UTC(2014, 3, 1));
    expect(parseTimestamp('2011-07-01 00:15:01')).toBe(Date.UTC(2011, 6, 1, 0, 15, 1));
    expect(parseTimestamp('2014-04-10 07:15:00.000000')).toBe(Date.UTC(2014, 3, 10, 7, 15));
  });

  it('reads ISO 8601 with a zone or offset, and fractional seconds', () => {
    expect(parseTimestamp('2024-01-02T03:04:05Z')).toBe(Date.UTC(2024, 0, 2, 3, 4, 5));
    expect(parseTimestamp('2024-01-02T03:04:05.250Z')).toBe(Date.UTC(2024, 0, 2, 3, 4, 5, 250));
    expect(parseTimestamp('2024-01-02T05:04:05+02:00')).toBe(Date.UTC(2024, 0, 2, 3, 4, 5));
    expect(parseTimestamp('2024-01-02T01:04:05-0200')).toBe(Date.UTC(2024, 0, 2, 3, 4, 5));
    expect(parseTimestamp('2024-01-02 03:04')).toBe(Date.UTC(2024, 0, 2, 3, 4));
  });

  it('reads epoch seconds and milliseconds', () => {
    expect(parseTimestamp('1700000000')).toBe(1_700_000_000_000);
    expect(parseTimestamp('1700000000123')).toBe(1_700_000_000_123);
    expect(parseTimestamp(' 1700000000.5 ')).toBe(1_700_000_000_500);
  });

  it('is NaN for anything else', () => {
    for (const bad of ['', 'yesterday', '2024-13-01 00:00:00', '2024-01-01 25:00:00', '2024/01/01'])
      expect(parseTimestamp(bad)).toBeNaN();
  });
});
