import { scheduledFloor } from './schedule';

const monday = (h: number, m = 0, s = 0) => Date.UTC(2025, 0, 6, h, m, s);

describe('scheduledFloor (cron rules)', () => {
  const rules = [
    { cron: '* 8-17 * * 1-5', minReplicas: 10, timezone: 'UTC', name: 'working hours' },
    { cron: '* 12-13 * * *', minReplicas: 25, timezone: 'UTC' },
  ];

  it('is active during every minute the expression matches, at any second of it', () => {
    expect(scheduledFloor(rules, monday(9, 30, 42))).toEqual({ minReplicas: 10, rule: 'working hours' });
    expect(scheduledFloor(rules, monday(18, 0))).toBeUndefined();
    expect(scheduledFloor(rules, Date.UTC(2025, 0, 5, 9, 30))).toBeUndefined(); // a Sunday
  });

  it('takes the highest of the active rules', () => {
    expect(scheduledFloor(rules, monday(12, 15))).toEqual({ minReplicas: 25, rule: '* 12-13 * * *' });
  });

  it('judges the minute in the rule time zone', () => {
    const paris = [{ cron: '* 8 * * *', minReplicas: 4, timezone: 'Europe/Paris' }];
    expect(scheduledFloor(paris, monday(7, 30))?.minReplicas).toBe(4); // 08:30 in Paris (UTC+1 in January)
    expect(scheduledFloor(paris, monday(8, 30))).toBeUndefined();
  });
});
