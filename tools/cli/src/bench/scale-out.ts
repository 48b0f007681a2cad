import { startRedisCluster } from '@swarmscope/core';
import { feedBoth, fetchJson, metricValue, startDistributedPlatform, startSinglePlatform, waitUntil } from '../distributed-platform';

export interface ScaleOutOptions {
  agents: number;
  seconds: number;
  seed: number;
  /** Requests per agent per second. */
  rate: number;
}

interface Anomaly {
  agentId: string;
  type: string;
}

const SHARDS = 16;

/**
 * The distributed platform on a Redis Cluster it starts (3 masters + 3 replicas; health-monitor ×2,
 * anomaly-detector ×2, emergence-detector, autoscaler, each a process) against the single process, both fed the
 * same seeded `anomalies` scenario at the same instants: reports acknowledged, drain time, the injections found
 * by each, the other anomalies.
 */
export async function runScaleOutBench(options: ScaleOutOptions): Promise<void> {
  const out = process.stdout;
  out.write(`scale-out: ${options.agents} agents at ${options.rate} requests/agent/s for ${options.seconds} s (seed ${options.seed}), cluster 3 masters + 3 replicas; both platforms and both simulators share this machine\n`);
  const cluster = await startRedisCluster();
  const same = { BUS_SHARDS: String(SHARDS), WINDOW_SECONDS: '10', WINDOW_GRACE_SECONDS: '2' };
  let platform: Awaited<ReturnType<typeof startDistributedPlatform>> | undefined;
  let single: Awaited<ReturnType<typeof startSinglePlatform>> | undefined;
  try {
    platform = await startDistributedPlatform({ clusterNodes: cluster.nodes, shards: SHARDS, env: same });
    single = await startSinglePlatform(same);
    const started = Date.now();
    const run = await feedBoth(platform, single, 'anomalies', { seed: options.seed, agents: options.agents, seconds: options.seconds, rate: options.rate });
    const fed = Date.now();
    const lag = (url: string) => metricValue(url, 'swarmscope_bus_consumer_lag', 'topic="samples",group="anomaly-detector"');
    const drained: Record<string, number> = {};
    await waitUntil(async () => {
      for (const [name, url] of [['cluster', platform!.anomalyDetectors[0]!.url], ['single', single!.anomalyDetector]] as const) {
        if (drained[name] === undefined && (await lag(url)) === 0) drained[name] = (Date.now() - fed) / 1000;
      }
      return drained.cluster !== undefined && drained.single !== undefined;
    }, 300_000, 'both anomaly-detectors drained');
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const keys = async (url: string) => [...new Set((await fetchJson<{ items: Anomaly[] }>(`${url}/anomalies?limit=1000`)).items.map((a) => `${a.agentId} ${a.type}`))];
    const [singleKeys, clusterKeys] = await Promise.all([keys(single.anomalyDetector), keys(platform.anomalyDetectors[1]!.url)]);
    const injected = new Set(run.truth.flatMap((t) => (t.agents ?? []).map((agent) => `${agent} ${t.type}`)));
    const found = (list: string[]) => list.filter((key) => injected.has(key)).sort();
    const wall = (fed - started) / 1000;
    console.table(
      (['single', 'cluster'] as const).map((side) => {
        const stats = run[side];
        const list = side === 'single' ? singleKeys : clusterKeys;
        return {
          platform: side === 'single' ? 'single process (memory)' : 'distributed (Redis Cluster)',
          'reports generated': stats.reportsGenerated,
          acknowledged: stats.reports.sent,
          'acknowledged/s': Math.round(stats.reports.sent / wall),
          dropped: stats.reports.dropped,
          retries: stats.reports.retries,
          'drained after (s)': drained[side]!.toFixed(1),
          'injections found': `${found(list).length} of ${injected.size}`,
          'other anomalies': list.length - found(list).length,
        };
      }),
    );
    const same2 = JSON.stringify(found(singleKeys)) === JSON.stringify(found(clusterKeys));
    out.write(`injections found by both: ${same2 ? 'the same' : `DIFFER\n  single  ${found(singleKeys).join(' · ')}\n  cluster ${found(clusterKeys).join(' · ')}`}\n`);
  } finally {
    await platform?.stop();
    await single?.stop();
    await cluster.stop();
  }
}
