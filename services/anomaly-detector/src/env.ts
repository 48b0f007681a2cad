import { hostname } from 'node:os';
import { commonEnv, intVar, numberVar } from '@swarmscope/core';
import { z } from 'zod';

/** `all`, or a list of shards and ranges such as `0-7` or `0-3,8,12-15`. */
const shardList = z
  .string()
  .default('all')
  .transform((value, context) => {
    if (value.trim() === 'all') return undefined;
    const shards = new Set<number>();
    for (const part of value.split(',').map((p) => p.trim()).filter(Boolean)) {
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

/** anomaly-detector's environment; every variable is listed in the README's configuration table. */
export const anomalyDetectorEnv = commonEnv.extend({
  ANOMALY_DETECTOR_PORT: intVar(0, 65535, 8081),
  /** Bus shards this replica owns (distributed mode: e.g. by StatefulSet ordinal). */
  ANOMALY_SHARDS: shardList,
  /** How long a replica's shard leases last unrenewed: a dead replica's shards move to a survivor after about this. */
  SHARD_LEASE_SECONDS: numberVar(0.3, 600, 10),
  /** This replica's consumer name in the bus group: stable across restarts so it resumes its pending entries. */
  BUS_CONSUMER: z.string().min(1).max(128).default(hostname()),
  ANOMALY_LOG_CAPACITY: intVar(100, 10_000_000, 10_000),
  LATENCY_SLO_SECONDS: numberVar(0.001, 3600, 2),
  /** How far ahead of this service's clock a `POST /detect` timestamp may be (like health-monitor's ingest). */
  MAX_FUTURE_SKEW_SECONDS: numberVar(0, 86_400, 300),
});
export type AnomalyDetectorEnv = z.infer<typeof anomalyDetectorEnv>;
