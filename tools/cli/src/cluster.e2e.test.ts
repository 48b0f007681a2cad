import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { connectRedis, freePort, startRedisCluster, type RedisClient, type RedisClusterHandle } from '@swarmscope/core';
import { DEFAULT_GENERATOR, Population, SimulationRunner, createScenario, type GeneratorConfig } from '@swarmscope/simulator';

// Distributed mode on a real Redis Cluster (3 masters + 3 replicas), every service a process of its built main:
// health-monitor ×2, anomaly-detector ×2 (half the shards each), emergence-detector, autoscaler; beside it the
// single-process platform (`swarmscope start`, in memory) fed the same seeded stream at the same instants.
const ROOT = join(__dirname, '..', '..', '..');
const MAIN = {
  healthMonitor: join(ROOT, 'services', 'health-monitor', 'dist', 'main.js'),
  anomalyDetector: join(ROOT, 'services', 'anomaly-detector', 'dist', 'main.js'),
  emergenceDetector: join(ROOT, 'services', 'emergence-detector', 'dist', 'main.js'),
  autoscaler: join(ROOT, 'services', 'autoscaler', 'dist', 'main.js'),
  cli: join(ROOT, 'tools', 'cli', 'dist', 'main.js'),
};
const SHARDS = 16;
const LEASE_SECONDS = 2;

interface Service {
  name: string;
  url: string;
  child: ChildProcess;
  output(): string;
  exited: Promise<void>;
}

const started: Service[] = [];

async function startService(name: string, main: string, args: string[], env: Record<string, string>, portVar: string): Promise<Service> {
  const port = await freePort();
  const child = spawn(process.execPath, [main, ...args], {
    env: { ...process.env, LOG_LEVEL: 'warn', API_KEYS: '', OTEL_EXPORTER_OTLP_ENDPOINT: '', [portVar]: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const service: Service = { name, url: `http://127.0.0.1:${port}`, child, output: () => output, exited };
  started.push(service);
  await waitFor(async () => (await fetch(`${service.url}/readyz`).catch(() => undefined))?.ok === true, 30_000, `${name} ready`, () => output);
  return service;
}

async function stopService(service: Service, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (service.child.exitCode !== null || service.child.signalCode !== null) return;
  service.child.kill(signal);
  const force = setTimeout(() => service.child.kill('SIGKILL'), 15_000);
  await service.exited;
  clearTimeout(force);
}

async function waitFor(cond: () => Promise<boolean> | boolean, timeoutMs: number, what: string, detail: () => string = () => ''): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await cond()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${detail().slice(-3000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function json<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

interface Anomaly {
  id: string;
  agentId: string;
  type: string;
  startedAt: number;
}
interface EmergenceEvent {
  type: string;
  scope: string;
  startedAt: number;
}
interface Detectors {
  bus: { shards: number[] };
}

const anomalyKeys = (items: Anomaly[]) => [...new Set(items.map((a) => `${a.agentId} ${a.type}`))].sort();

describe('distributed on a Redis Cluster: scale-out, failover, faults', () => {
  let cluster: RedisClusterHandle;
  let redis: RedisClient;
  let clusterEnv: Record<string, string>;
  let hm: Service[];
  let ad: Service[];
  let em: Service;
  let single: { hm: string; ad: string; em: string };

  const adEnv = (ordinal: number) => ({
    ...clusterEnv,
    ANOMALY_SHARDS: ordinal === 0 ? `0-${SHARDS / 2 - 1}` : `${SHARDS / 2}-${SHARDS - 1}`,
    BUS_CONSUMER: `anomaly-detector-${ordinal}`,
    SHARD_LEASE_SECONDS: String(LEASE_SECONDS),
  });

  beforeAll(async () => {
    cluster = await startRedisCluster();
    redis = connectRedis({ clusterNodes: cluster.nodes.split(',') });
    // Short redelivery and leases so a failover fits in a test; large streams so "stored" can be counted from them.
    clusterEnv = { REDIS_CLUSTER_NODES: cluster.nodes, BUS_SHARDS: String(SHARDS), BUS_MAX_LEN: '1000000', BUS_REDELIVER_SECONDS: '2', EMERGENCE_TICK_SECONDS: '2', EMERGENCE_HORIZON_TICKS: '24' };
    const windows = { WINDOW_SECONDS: '5', WINDOW_GRACE_SECONDS: '1' };
    hm = [
      await startService('health-monitor-0', MAIN.healthMonitor, [], { ...clusterEnv, ...windows }, 'HEALTH_MONITOR_PORT'),
      await startService('health-monitor-1', MAIN.healthMonitor, [], { ...clusterEnv, ...windows }, 'HEALTH_MONITOR_PORT'),
    ];
    ad = [
      await startService('anomaly-detector-0', MAIN.anomalyDetector, [], adEnv(0), 'ANOMALY_DETECTOR_PORT'),
      await startService('anomaly-detector-1', MAIN.anomalyDetector, [], adEnv(1), 'ANOMALY_DETECTOR_PORT'),
    ];
    em = await startService('emergence-detector', MAIN.emergenceDetector, [], clusterEnv, 'EMERGENCE_DETECTOR_PORT');
    await startService('autoscaler', MAIN.autoscaler, [], clusterEnv, 'AUTOSCALER_PORT');
    // The single-process platform, in memory, with the same windows and ticks.
    const ports = { ad: await freePort(), em: await freePort() };
    const start = await startService(
      'swarmscope start',
      MAIN.cli,
      ['start', '--no-fleet'],
      { ...windows, BUS_SHARDS: String(SHARDS), ANOMALY_DETECTOR_PORT: String(ports.ad), EMERGENCE_DETECTOR_PORT: String(ports.em), AUTOSCALER_PORT: '0', EMERGENCE_TICK_SECONDS: '2', EMERGENCE_HORIZON_TICKS: '24', REDIS_URL: '', REDIS_CLUSTER_NODES: '' },
      'HEALTH_MONITOR_PORT',
    );
    single = { hm: start.url, ad: `http://127.0.0.1:${ports.ad}`, em: `http://127.0.0.1:${ports.em}` };
    // Each replica on its own half before any sample flows.
    await waitFor(async () => {
      const owned = await Promise.all(ad.map((a) => json<Detectors>(`${a.url}/detectors`)));
      return owned[0]!.bus.shards.length === SHARDS / 2 && owned[1]!.bus.shards.length === SHARDS / 2;
    }, 30_000, 'each anomaly-detector owning half the shards');
  }, 180_000);

  afterAll(async () => {
    await Promise.all(started.map((service) => stopService(service)));
    redis?.disconnect();
    await cluster?.stop();
  }, 60_000);

  it('finds the same anomalies for the same agents, and the same emergence events, as the single process', async () => {
    const seed = 23;
    const agents = 200;
    const durationSeconds = 40;
    const startEpochMs = Date.now() + 500;
    const config: GeneratorConfig = { ...DEFAULT_GENERATOR, seed, startEpochMs, daySeconds: 86_400, requestsPerSecond: 4 };
    // Same seed, same start, same clock: the two runners generate the same stream, tick for tick.
    const runner = (endpoint: string | string[]) => {
      const population = Population.build({ agents, seed });
      const scenario = createScenario('anomalies', { population, seed, durationSeconds, startEpochMs });
      return new SimulationRunner({ endpoint, population, scenario, config, durationMs: durationSeconds * 1000, ref: false });
    };
    const distributed = runner(hm.map((h) => h.url));
    const reference = runner(single.hm);
    distributed.start();
    reference.start();
    await Promise.all([distributed.done, reference.done]);
    const [a, b] = await Promise.all([distributed.stop(), reference.stop()]);
    expect(a.skippedTicks + b.skippedTicks).toBe(0);
    expect(a.reports.sent).toBe(a.reportsGenerated); // every report acknowledged, none dropped
    expect(b.reports.sent).toBe(b.reportsGenerated);
    expect(a.reportsGenerated).toBe(b.reportsGenerated);

    // Both sides drained: the cluster's anomaly group has read and acked everything.
    let lags: number[] = [];
    await waitFor(async () => {
      lags = await Promise.all([lagOf(ad[0]!.url), lagOf(single.ad)]);
      return lags.every((lag) => lag === 0);
    }, 60_000, 'anomaly-detectors drained', () => `lags ${lags.join(', ')}\n${ad.map((a) => a.output()).join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // the anomalies topic reaches the other replica

    const expected = anomalyKeys((await json<{ items: Anomaly[] }>(`${single.ad}/anomalies?limit=1000`)).items);
    const [fromFirst, fromSecond] = await Promise.all(ad.map(async (a) => anomalyKeys((await json<{ items: Anomaly[] }>(`${a.url}/anomalies?limit=1000`)).items)));
    console.log(`anomalies: single process ${expected.length}, replica 0 ${fromFirst!.length}, replica 1 ${fromSecond!.length}`);
    expect(expected.length).toBeGreaterThan(0);
    // Either replica answers for the whole fleet: both list every anomaly, including the other's.
    expect(fromFirst).toEqual(expected);
    expect(fromSecond).toEqual(expected);

    const tickMs = 2_000;
    const events = async (url: string) => (await json<{ items: EmergenceEvent[] }>(`${url}/events?limit=1000`)).items;
    const [reference2, cluster2] = await Promise.all([events(single.em), events(em.url)]);
    console.log(`emergence events: single process ${reference2.length}, cluster ${cluster2.length}`);
    expect(cluster2.map((e) => `${e.type} ${e.scope}`).sort()).toEqual(reference2.map((e) => `${e.type} ${e.scope}`).sort());
    for (const event of reference2) {
      const twin = cluster2.find((e) => e.type === event.type && e.scope === event.scope && Math.abs(e.startedAt - event.startedAt) <= tickMs);
      expect(twin).toBeDefined();
    }
  }, 240_000);

  it('hands a killed anomaly-detector\'s shards and pending entries to the survivor, and back to its replacement', async () => {
    await stopService(ad[1]!, 'SIGKILL'); // no goodbye: its leases expire, its unacked entries stay pending
    await waitFor(async () => (await json<Detectors>(`${ad[0]!.url}/detectors`)).bus.shards.length === SHARDS, 30_000, 'the survivor owning every shard', () => ad[0]!.output());
    // Samples of agents on the dead replica's shards, through both health-monitors: the survivor scores them all.
    const before = await reportsScored(ad[0]!.url);
    const reports = Array.from({ length: 64 }, (_, i) => ({ agentId: `failover-${i}`, timestamp: Date.now(), metrics: { response_time_seconds: 0.2, requests: 1, errors: 0 } }));
    for (const [index, target] of hm.entries()) {
      const response = await fetch(`${target.url}/v1/ingest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ reports: reports.filter((_, i) => i % 2 === index) }) });
      expect(response.status).toBe(200);
    }
    await waitFor(async () => (await reportsScored(ad[0]!.url)) - before >= reports.length, 30_000, 'the survivor scoring the new samples');
    expect(await lagOf(ad[0]!.url)).toBe(0);

    // The replacement (same consumer name, as a StatefulSet pod) asks for its shards back and gets them.
    ad[1] = await startService('anomaly-detector-1', MAIN.anomalyDetector, [], adEnv(1), 'ANOMALY_DETECTOR_PORT');
    await waitFor(async () => {
      const owned = await Promise.all(ad.map((a) => json<Detectors>(`${a.url}/detectors`)));
      return owned[0]!.bus.shards.join() === '0,1,2,3,4,5,6,7' && owned[1]!.bus.shards.join() === '8,9,10,11,12,13,14,15';
    }, 30_000, 'the shards handed back');
  }, 120_000);

  it('loses no acknowledged sample when a master is killed under load and restarted; not ready meanwhile', async () => {
    const acknowledged = new Set<string>();
    let refused = 0;
    let sent = 0;
    let notReadySeen = false;
    let servedWhileNotReady = false;
    let stop = false;
    const load = async (target: Service, lane: number) => {
      const base = Date.now() - 60_000; // one distinct timestamp per batch: agentId@timestamp names a sample
      for (let batch = 0; !stop && batch < 100_000; batch++) {
        const reports = Array.from({ length: 50 }, (_, i) => ({ agentId: `fault-${lane}-${i}`, timestamp: base + batch, metrics: { requests: 1, errors: 0, response_time_seconds: 0.1 } }));
        sent += reports.length;
        const response = await fetch(`${target.url}/v1/ingest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ reports }), signal: AbortSignal.timeout(10_000) }).catch(() => undefined);
        if (response?.status === 200) {
          const body = (await response.json()) as { accepted: number };
          expect(body.accepted).toBe(reports.length);
          for (const report of reports) acknowledged.add(`${report.agentId}@${report.timestamp}`);
        } else {
          refused += reports.length;
          await response?.text();
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
    };
    const probe = async () => {
      while (!stop) {
        const ready = await fetch(`${hm[0]!.url}/readyz`).catch(() => undefined);
        if (ready && ready.status === 503) {
          notReadySeen = true;
          if ((await fetch(`${hm[0]!.url}/fleet/summary`).catch(() => undefined))?.status === 200) servedWhileNotReady = true;
        }
        await ready?.text();
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    const loads = [load(hm[0]!, 0), load(hm[1]!, 1), probe()];
    await waitFor(() => acknowledged.size >= 2_000, 30_000, 'load flowing');
    const [victim] = await cluster.masters();
    await cluster.kill(victim!);
    await waitFor(() => notReadySeen, 30_000, 'health-monitor not ready');
    // Its replica promoted (three masters again) before it comes back: a master without persistence restarted
    // before the failover would return empty and its replica would resync to empty.
    await waitFor(async () => (await cluster.masters()).length === 3, 30_000, 'a replica promoted');
    await cluster.waitHealthy(30_000);
    await cluster.restart(victim!); // back, as a replica of the promoted one
    await cluster.waitHealthy(30_000);
    const afterRestart = acknowledged.size;
    await waitFor(() => acknowledged.size >= afterRestart + 2_000, 60_000, 'ingest resumed');
    stop = true;
    await Promise.all(loads);

    const stored = await storedSamples(redis, SHARDS, 'fault-');
    const lost = [...acknowledged].filter((key) => !stored.has(key));
    console.log(`master ${victim} killed under load: sent ${sent}, accepted (acknowledged) ${acknowledged.size}, refused with 503 or unanswered ${refused}, stored ${stored.size}, acknowledged but not stored ${lost.length}`);
    expect(servedWhileNotReady).toBe(true);
    expect(lost).toEqual([]);
    expect(refused).toBeGreaterThan(0);
  }, 240_000);
});

async function reportsScored(url: string): Promise<number> {
  return Number(/swarmscope_detector_reports_total\{[^}]*\} (\d+)/.exec(await (await fetch(`${url}/metrics`)).text())?.[1] ?? NaN);
}

async function lagOf(url: string): Promise<number> {
  return Number(/swarmscope_bus_consumer_lag\{topic="samples",group="anomaly-detector"[^}]*\} (\d+)/.exec(await (await fetch(`${url}/metrics`)).text())?.[1] ?? NaN);
}

/** Every `agentId@timestamp` of the samples topic's streams whose agent id starts with `prefix`. */
async function storedSamples(redis: RedisClient, shards: number, prefix: string): Promise<Set<string>> {
  const out = new Set<string>();
  for (let shard = 0; shard < shards; shard++) {
    const entries = await redis.xrange(`swarmscope:bus:samples:${shard}`, '-', '+');
    for (const [, fields] of entries) {
      const payloads = JSON.parse(fields[1]!) as Array<{ agentId: string; timestamp: number }>;
      for (const p of payloads) if (p.agentId.startsWith(prefix)) out.add(`${p.agentId}@${p.timestamp}`);
    }
  }
  return out;
}
