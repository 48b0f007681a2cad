import { busConsumerVar, commonEnv, intVar, maxFutureSkewVar, numberVar } from '@swarmscope/core';
import { z } from 'zod';
import type { LatencyObjective, LatencySloTable } from './detectors/agent/latency-slo';

/** `all`, or a list of shards and ranges such as `0-7` or `0-3,8,12-15`. */
const shardList = z
  .string()
  .default('all')
  .transform((value, context) => {
    if (value.trim() === 'all') return undefined;
    const shards = new Set<number>();
    for (const part of value
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)) {
      const match = /^(\d+)(?:-(\d+))?$/.exec(part);
      if (!match) {
        context.addIssue({ code: 'custom', message: `"${part}" is not a shard or a range like 0-7` });
        return z.NEVER;
      }
      const from = Number(match[1]);
      const to = Number(match[2] ?? match[1]);
      if (to < from) {
        context.addIssue({ code: 'custom', message: `range "${part}" runs backwards` });
        return z.NEVER;
      }
      for (let shard = from; shard <= to; shard++) shards.add(shard);
    }
    return [...shards].sort((a, b) => a - b);
  });

/**
 * Latency objectives by pool and model: `pool:<name>=<seconds>[@<target>]`, `model:<name>=<seconds>[@<target>]` and
 * `*=<seconds>[@<target>]` (every other agent), comma-separated; target defaults to 0.99. Empty: no SLO alerting.
 */
export const latencySlosVar = z
  .string()
  .default('')
  .transform((value, context): LatencySloTable => {
    const table: {
      pools: Record<string, LatencyObjective>;
      models: Record<string, LatencyObjective>;
      fallback?: LatencyObjective;
    } = { pools: {}, models: {} };
    for (const part of value
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)) {
      const match = /^(?:(pool|model):([^=]+)|(\*))=([0-9]*\.?[0-9]+)(?:@(0?\.[0-9]+))?$/.exec(part);
      const seconds = Number(match?.[4]);
      const target = match?.[5] === undefined ? 0.99 : Number(match[5]);
      if (!match || !(seconds > 0 && seconds <= 3600) || !(target > 0 && target < 1)) {
        context.addIssue({
          code: 'custom',
          message: `"${part}" is not pool:<name>=<seconds>[@<target>], model:<name>=… or *=… (seconds in (0, 3600], target in (0, 1))`,
        });
        return z.NEVER;
      }
      const objective = { seconds, target };
      if (match[3]) table.fallback = objective;
      else if (match[1] === 'pool') table.pools[match[2]!.trim()] = objective;
      else table.models[match[2]!.trim()] = objective;
    }
    return table;
  });

/** anomaly-detector's environment; every variable is listed in docs/configuration.md (tools/cli/src/docs.test.ts checks). */
export const anomalyDetectorEnv = commonEnv.extend({
  ANOMALY_DETECTOR_PORT: intVar(0, 65535, 8081),
  /** Bus shards this replica owns (distributed mode: e.g. by StatefulSet ordinal). */
  ANOMALY_SHARDS: shardList,
  /** How long a replica's shard leases last unrenewed: a dead replica's shards move to a survivor after about this. */
  SHARD_LEASE_SECONDS: numberVar(0.3, 600, 10),
  /** This replica's consumer name in the bus group: stable across restarts so it resumes its pending entries. */
  BUS_CONSUMER: busConsumerVar(),
  ANOMALY_LOG_CAPACITY: intVar(100, 10_000_000, 10_000),
  /** Latency objectives per pool and model, alerted by multi-window burn rate (see {@link latencySlosVar}). */
  LATENCY_SLOS: latencySlosVar,
  /**
   * How long a latency, token or request-rate shift must last before it is an anomaly (as Prometheus' `for:`): short
   * natural excursions are not faults. 0 reports a shift as soon as it is significant.
   */
  ANOMALY_HOLD_SECONDS: numberVar(0, 3600, 120),
  /** How far ahead of this service's clock a `POST /detect` timestamp may be (like health-monitor's ingest). */
  MAX_FUTURE_SKEW_SECONDS: maxFutureSkewVar(),
});
export type AnomalyDetectorEnv = z.infer<typeof anomalyDetectorEnv>;
