import { HOUR_MS } from './rollup';

const UNITS: Record<string, number> = { m: 60_000, h: HOUR_MS, d: 24 * HOUR_MS };

/** `7d`, `36h`, `90m` → milliseconds; anything else is an error naming the variable. */
export function parseDuration(name: string, text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([mhd])$/.exec(text.trim());
  const ms = match ? Number(match[1]) * UNITS[match[2]!]! : NaN;
  if (!(ms > 0)) throw new Error(`${name}: expected a duration like 7d, 36h or 90m, got ${JSON.stringify(text)}`);
  return ms;
}

export interface Retention {
  /** 1-minute windows older than this are rolled up to hourly ones. */
  rawMs: number;
  /** Hourly windows older than this are dropped. */
  rollupMs: number;
  /** Events (anomalies, emergence, decisions, edges, resolved incidents) older than this are dropped. */
  eventsMs: number;
}

export function retentionFrom(env: NodeJS.ProcessEnv): Retention {
  return {
    rawMs: parseDuration('RETENTION_RAW', env.RETENTION_RAW ?? '7d'),
    rollupMs: parseDuration('RETENTION_ROLLUP', env.RETENTION_ROLLUP ?? '90d'),
    eventsMs: parseDuration('RETENTION_EVENTS', env.RETENTION_EVENTS ?? '90d'),
  };
}

/** The start of the newest hour whose 1-minute windows are all older than the raw retention: roll up before it. */
export function rollupCutoff(now: number, rawMs: number): number {
  return Math.floor((now - rawMs) / HOUR_MS) * HOUR_MS;
}
