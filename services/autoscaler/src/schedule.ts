import { CronExpressionParser } from 'cron-parser';
import type { ScheduleRule } from './policy';

export interface ScheduledFloor {
  minReplicas: number;
  /** The rule that set it (its name, or its cron expression). */
  rule: string;
}

/**
 * Scheduled strategy (cron rules, parsed by cron-parser): a rule is active during every minute its expression matches
 * in its time zone, e.g. `* 8-17 * * 1-5` = working hours; the highest active `minReplicas` is the pool's floor.
 */
export function scheduledFloor(rules: readonly ScheduleRule[], at: number): ScheduledFloor | undefined {
  // Five-field expressions match at second 0: judge the minute `at` falls in.
  const minute = new Date(Math.floor(at / 60_000) * 60_000);
  let best: ScheduledFloor | undefined;
  for (const rule of rules) {
    const expression = CronExpressionParser.parse(rule.cron, { tz: rule.timezone, currentDate: minute });
    if (!expression.includesDate(minute)) continue;
    if (!best || rule.minReplicas > best.minReplicas)
      best = { minReplicas: rule.minReplicas, rule: rule.name ?? rule.cron };
  }
  return best;
}
