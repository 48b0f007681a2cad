import { Population, type RunStats, type TruthRecord } from '@swarmscope/simulator';
import {
  feed,
  fetchJson,
  metricValue,
  startDistributedPlatform,
  startSinglePlatform,
  waitUntil,
  type FeedScenario,
} from '../distributed-platform';
import { startRedisCluster } from '@swarmscope/testkit';

export interface ScaleOutOptions {
  agents: number;
  seconds: number;
  seed: number;
  /** Requests per agent per second. */
  rate: number;
  scenario: FeedScenario;
}

interface Anomaly {
  agentId: string;
  type: string;
}
interface EmergenceEvent {
  type: string;
  scope: string;
  startedAt: number;
}
interface FleetSnapshot {
  time: number;
  agents: number;
  parameters: Record<string, number>;
}

const SHARDS = 16;
const TICK_MS = 2_000;
/** Both runs start on a multiple of this (the windows' and the emergence ticks' length): data time is then the same grid shifted. */
const ALIGN_MS = 10_000;
/** What both platforms get: the emergence detector on 2 s ticks and a 48 s horizon, so a run of minutes has events. */
const SAME = {
  BUS_SHARDS: String(SHARDS),
  WINDOW_SECONDS: '10',
  WINDOW_GRACE_SECONDS: '2',
  EMERGENCE_TICK_SECONDS: String(TICK_MS / 1000),
  EMERGENCE_HORIZON_TICKS: '24',
};

/** What one platform did with the scenario; times relative to its run's start (data time). */
interface SideResult {
  label: string;
  stats: RunStats;
  truth: readonly TruthRecord[];
  fedSeconds: number;
  drainedSeconds: number;
  /** Reports the anomaly detector(s) scored (a retried batch can be scored twice). */
  scored: number;
  /** `agent type` of every anomaly listed. */
  anomalies: Set<string>;
  anomalyRecords: number;
  /** The anomaly list was longer than one page, so it was read agent by agent. */
  perAgent: boolean;
  /** Distributed only: whether both anomaly-detector replicas list the same anomalies. */
  replicasAgree?: boolean;
  events: Array<{ type: string; scope: string; at: number }>;
  /** The emergence detector's fleet snapshot of each analysed tick, by tick end relative to the start. */
  snapshots: Map<number, FleetSnapshot>;
}

/**
 * The single process (`swarmscope start`, memory bus) and then the distributed platform on a Redis Cluster it starts
 * (3 masters + 3 replicas; health-monitor ×2, anomaly-detector ×2, emergence-detector, autoscaler, each a process),
 * one after the other so neither takes the other's cores, each fed the same seeded scenario through the SDK. The
 * detectors work in data time (report timestamps; the emergence ticks close on a watermark from the newest report,
 * anomaly sweeps use min(now, newest report)), and both runs start on the same 10 s grid with a flat load (no
 * hour-of-day factor), so the two streams are the same reports shifted in time. Compared: reports acknowledged and
 * dropped, every anomaly as (agent, type), emergence events (type, scope, start within a tick), and the emergence
 * detector's per-tick fleet snapshots.
 */
export async function runScaleOutBench(options: ScaleOutOptions): Promise<void> {
  const out = process.stdout;
  const began = Date.now();
  out.write(
    `scale-out: ${options.agents} agents at ${options.rate} requests/agent/s for ${options.seconds} s, scenario ${options.scenario} (seed ${options.seed}); ` +
      `the single process first, alone, then the distributed platform on a Redis Cluster (3 masters + 3 replicas), alone\n`,
  );
  const agentIds = Population.build({ agents: options.agents, seed: options.seed })
    .agents()
    .map((agent) => agent.id);
  const feedOptions = {
    seed: options.seed,
    agents: options.agents,
    seconds: options.seconds,
    rate: options.rate,
    daySeconds: 0,
  };

  out.write('single process: starting\n');
  const single = await startSinglePlatform(SAME);
  let reference: SideResult;
  try {
    reference = await measure(
      'single process (memory)',
      single.healthMonitor,
      [single.anomalyDetector],
      single.emergenceDetector,
      options.scenario,
      feedOptions,
      agentIds,
    );
  } finally {
    await single.stop();
  }

  out.write('distributed: starting the Redis Cluster and the services\n');
  const cluster = await startRedisCluster();
  let distributed: SideResult;
  try {
    const platform = await startDistributedPlatform({ clusterNodes: cluster.nodes, shards: SHARDS, env: SAME });
    try {
      distributed = await measure(
        'distributed (Redis Cluster)',
        platform.healthMonitors.map((h) => h.url),
        platform.anomalyDetectors.map((a) => a.url),
        platform.emergenceDetector.url,
        options.scenario,
        feedOptions,
        agentIds,
      );
    } finally {
      await platform.stop();
    }
  } finally {
    await cluster.stop();
  }

  report(reference, distributed, (Date.now() - began) / 1000);
}

/** Feeds one platform, waits until its detectors have read everything and analysed the last tick, and reads what they found. */
async function measure(
  label: string,
  endpoint: string | string[],
  anomalyDetectors: string[],
  emergenceDetector: string,
  scenario: FeedScenario,
  options: { seed: number; agents: number; seconds: number; rate: number; daySeconds: number },
  agentIds: readonly string[],
): Promise<SideResult> {
  const out = process.stdout;
  const startEpochMs = Math.ceil((Date.now() + 1_000) / ALIGN_MS) * ALIGN_MS;
  out.write(`${label}: feeding ${options.seconds} s of simulation time from ${new Date(startEpochMs).toISOString()}\n`);
  const started = Date.now();
  const run = await feed(endpoint, scenario, { ...options, startEpochMs });
  const fed = Date.now();
  const lag = async (url: string, group: string) => {
    const values = await Promise.all(
      ['samples', 'interactions'].map((topic) =>
        metricValue(url, 'swarmscope_bus_consumer_lag', `topic="${topic}",group="${group}"`),
      ),
    );
    return values.reduce((sum, value) => sum + (Number.isNaN(value) ? 0 : value), 0);
  };
  await waitUntil(
    async () =>
      (await lag(anomalyDetectors[0]!, 'anomaly-detector')) === 0 &&
      (await lag(emergenceDetector, 'emergence-detector')) === 0,
    300_000,
    `${label}: detectors drained`,
  );
  const drainedSeconds = (Date.now() - fed) / 1000;
  // The emergence detector analyses closed ticks on its 2 s timer: wait until its newest snapshot stays put for three ticks.
  let newest = Number.NaN;
  let since = Date.now();
  await waitUntil(
    async () => {
      const time =
        (await fetchJson<{ now: FleetSnapshot | null }>(`${emergenceDetector}/fleet/state`)).now?.time ?? Number.NaN;
      if (time !== newest) {
        newest = time;
        since = Date.now();
      }
      return Date.now() - since >= 3 * TICK_MS;
    },
    120_000,
    `${label}: the emergence detector's last tick`,
  );

  // Each anomaly-detector replica merges the others' events from the anomalies topic: wait until they agree (30 s at most).
  let lists: Array<Awaited<ReturnType<typeof anomalyList>>> = [];
  const agree = () => lists.every((list) => sameSet(list.keys, lists[0]!.keys));
  await waitUntil(
    async () => {
      lists = await Promise.all(anomalyDetectors.map((url) => anomalyList(url, agentIds)));
      return agree();
    },
    30_000,
    `${label}: the anomaly-detector replicas listing the same anomalies`,
  ).catch(() => undefined);
  const scored = (
    await Promise.all(anomalyDetectors.map((url) => metricValue(url, 'swarmscope_detector_reports_total')))
  ).reduce((a, b) => a + b, 0);
  const events = (await fetchJson<{ items: EmergenceEvent[] }>(`${emergenceDetector}/events?limit=1000`)).items;
  const history = (await fetchJson<{ history: FleetSnapshot[] }>(`${emergenceDetector}/fleet/state`)).history;
  const result: SideResult = {
    label,
    stats: run.stats,
    truth: run.truth,
    fedSeconds: (fed - started) / 1000,
    drainedSeconds,
    scored,
    anomalies: lists[0]!.keys,
    anomalyRecords: lists[0]!.records,
    perAgent: lists[0]!.perAgent,
    ...(anomalyDetectors.length > 1 ? { replicasAgree: agree() } : {}),
    events: events.map((e) => ({ type: e.type, scope: e.scope, at: e.startedAt - run.startEpochMs })),
    snapshots: new Map(history.map((s) => [s.time - run.startEpochMs, s])),
  };
  out.write(
    `${label}: fed in ${result.fedSeconds.toFixed(1)} s, drained ${drainedSeconds.toFixed(1)} s later; ${result.anomalies.size} anomalies (agent, type), ${events.length} emergence events\n`,
  );
  return result;
}

/**
 * Every anomaly a replica lists as `agent type`: one page (1,000, the API's limit) when that holds them all,
 * otherwise agent by agent (16 requests in flight).
 */
async function anomalyList(
  url: string,
  agentIds: readonly string[],
): Promise<{ keys: Set<string>; records: number; perAgent: boolean }> {
  const page = (await fetchJson<{ items: Anomaly[] }>(`${url}/anomalies?limit=1000`)).items;
  if (page.length < 1000)
    return { keys: new Set(page.map((a) => `${a.agentId} ${a.type}`)), records: page.length, perAgent: false };
  const keys = new Set<string>();
  let records = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < agentIds.length) {
        const id = agentIds[next++]!;
        const items = (
          await fetchJson<{ items: Anomaly[] }>(`${url}/agents/${encodeURIComponent(id)}/anomalies?limit=1000`)
        ).items;
        records += items.length;
        for (const a of items) keys.add(`${a.agentId} ${a.type}`);
      }
    }),
  );
  return { keys, records, perAgent: true };
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return a.size === b.size && [...a].every((key) => b.has(key));
}

const ALMOST = (a: number, b: number) => a === b || Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

function report(single: SideResult, distributed: SideResult, totalSeconds: number): void {
  const out = process.stdout;
  // The anomalies scenario's injections (the emergence scenario's records name patterns, not anomaly types).
  const injected = new Set(
    single.truth
      .filter((t) => t.scenario === 'anomalies')
      .flatMap((t) => t.agents.map((agent) => `${agent} ${t.type}`)),
  );
  const found = (side: SideResult) => [...side.anomalies].filter((key) => injected.has(key));
  console.table(
    [single, distributed].map((side) => ({
      platform: side.label,
      'reports generated': side.stats.reportsGenerated,
      acknowledged: side.stats.reports.sent,
      dropped: side.stats.reports.dropped,
      retries: side.stats.reports.retries,
      'skipped ticks': side.stats.skippedTicks,
      'scored by detector': side.scored,
      'fed in (s)': side.fedSeconds.toFixed(1),
      'drained after (s)': side.drainedSeconds.toFixed(1),
      'anomalies (agent, type)': side.anomalies.size,
      'injections found': `${found(side).length} of ${injected.size}`,
      'other anomalies': side.anomalies.size - found(side).length,
      'emergence events': side.events.length,
      'ticks analysed': side.snapshots.size,
    })),
  );
  const shed = [single, distributed].filter(
    (side) => side.stats.reports.sent !== side.stats.reportsGenerated || side.stats.skippedTicks > 0,
  );
  out.write(
    shed.length === 0
      ? `valid comparison: both platforms acknowledged every report generated (${single.stats.reportsGenerated}), neither skipped a tick\n`
      : `NOT A VALID COMPARISON: ${shed.map((side) => `${side.label} acknowledged ${side.stats.reports.sent} of ${side.stats.reportsGenerated} (dropped ${side.stats.reports.dropped}, skipped ticks ${side.stats.skippedTicks})`).join('; ')}\n`,
  );
  if (distributed.replicasAgree !== undefined)
    out.write(`anomaly-detector replicas list the same anomalies: ${distributed.replicasAgree ? 'yes' : 'NO'}\n`);
  if (single.perAgent || distributed.perAgent)
    out.write('(an anomaly list held more than 1,000: read agent by agent)\n');

  const onlySingle = [...single.anomalies].filter((key) => !distributed.anomalies.has(key)).sort();
  const onlyDistributed = [...distributed.anomalies].filter((key) => !single.anomalies.has(key)).sort();
  const list = (keys: string[]) =>
    keys.length === 0
      ? 'none'
      : keys.slice(0, 40).join(' · ') + (keys.length > 40 ? ` … (${keys.length - 40} more)` : '');
  out.write(
    onlySingle.length + onlyDistributed.length === 0
      ? `anomalies: the same ${single.anomalies.size} (agent, type) pairs on both (${found(single).length} of the ${injected.size} injected, ${single.anomalies.size - found(single).length} others)\n`
      : `anomalies DIFFER (symmetric difference ${onlySingle.length + onlyDistributed.length} of ${new Set([...single.anomalies, ...distributed.anomalies]).size}):\n  only single process: ${list(onlySingle)}\n  only distributed:    ${list(onlyDistributed)}\n`,
  );

  const unmatched = (from: SideResult, to: SideResult) =>
    from.events.filter(
      (e) => !to.events.some((f) => f.type === e.type && f.scope === e.scope && Math.abs(f.at - e.at) <= TICK_MS),
    );
  const describe = (events: SideResult['events']) =>
    events.length === 0 ? 'none' : events.map((e) => `${e.type}@${e.scope} +${(e.at / 1000).toFixed(0)} s`).join(' · ');
  const [missing, extra] = [unmatched(single, distributed), unmatched(distributed, single)];
  out.write(
    missing.length + extra.length === 0
      ? `emergence events: the same ${single.events.length} on both (type, scope, start within a ${TICK_MS / 1000} s tick): ${describe(single.events)}\n`
      : `emergence events DIFFER:\n  single process ${describe(single.events)}\n  distributed    ${describe(distributed.events)}\n  only single ${describe(missing)}; only distributed ${describe(extra)}\n`,
  );

  const common = [...single.snapshots.keys()].filter((at) => distributed.snapshots.has(at)).sort((a, b) => a - b);
  const differs = common.filter((at) => {
    const [a, b] = [single.snapshots.get(at)!, distributed.snapshots.get(at)!];
    return (
      a.agents !== b.agents ||
      Object.keys(a.parameters).some((name) => !ALMOST(a.parameters[name]!, b.parameters[name] ?? Number.NaN))
    );
  });
  out.write(
    `emergence fleet snapshots: ${common.length - differs.length} of ${common.length} ticks analysed by both are the same (agents and every order parameter within 1e-9)` +
      (differs.length > 0
        ? `; differing ticks (s from the start): ${differs.map((at) => (at / 1000).toFixed(0)).join(', ')}`
        : '') +
      '\n',
  );
  for (const at of differs.slice(0, 3)) {
    const [a, b] = [single.snapshots.get(at)!, distributed.snapshots.get(at)!];
    const names = Object.keys(a.parameters).filter(
      (name) => !ALMOST(a.parameters[name]!, b.parameters[name] ?? Number.NaN),
    );
    out.write(
      `  +${(at / 1000).toFixed(0)} s: agents ${a.agents} / ${b.agents}; ${names.map((name) => `${name} ${a.parameters[name]} / ${b.parameters[name]}`).join('; ') || 'parameters the same'} (single / distributed)\n`,
    );
  }
  out.write(`scale-out: ${totalSeconds.toFixed(0)} s in all\n`);
}
