import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { freePort } from './free-port';
import { stopChild, waitForPong } from './local-redis';

export interface ClusterNode {
  port: number;
  /** `host:port`, as REDIS_CLUSTER_NODES takes it. */
  address: string;
  running: boolean;
}

export interface RedisClusterHandle {
  /** Every node, masters and replicas, as `host:port`: the value for REDIS_CLUSTER_NODES. */
  nodes: string;
  readonly members: readonly ClusterNode[];
  /** Ports of the nodes that are masters now (changes after a failover). */
  masters(): Promise<number[]>;
  /** SIGKILLs one node (no shutdown save, like a crash). */
  kill(port: number): Promise<void>;
  /** Starts a killed node again on its port with its nodes.conf: it rejoins (a former master as a replica). */
  restart(port: number): Promise<void>;
  /** Resolves once every running node reports cluster_state:ok and every slot has a master. */
  waitHealthy(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 20_000;
/** Short, so a test sees a replica promoted within a few seconds of a master's death. */
const NODE_TIMEOUT_MS = 1_500;

/**
 * Starts a throwaway Redis Cluster on free loopback ports: `masters` masters with `replicasPerMaster` replicas each
 * (default 3 + 3), built by `redis-cli --cluster create`, no persistence (replicas hold the data). Resolves once
 * cluster_state is ok on every node.
 */
export async function startRedisCluster(
  options: { masters?: number; replicasPerMaster?: number } = {},
): Promise<RedisClusterHandle> {
  const masters = options.masters ?? 3;
  const replicas = options.replicasPerMaster ?? 1;
  const dir = mkdtempSync(join(tmpdir(), 'swarmscope-cluster-'));
  const ports: number[] = [];
  while (ports.length < masters * (1 + replicas)) {
    const port = await freePort();
    // The cluster bus listens on port + 10000: both must be free and distinct from the others.
    if (port + 10_000 > 65_535 || ports.includes(port) || ports.some((p) => p + 10_000 === port || port + 10_000 === p))
      continue;
    if (!(await isFree(port + 10_000))) continue;
    ports.push(port);
  }
  const children = new Map<number, ChildProcess>();
  const members: ClusterNode[] = ports.map((port) => ({ port, address: `127.0.0.1:${port}`, running: false }));
  const killAll = () => {
    for (const child of children.values()) child.kill('SIGKILL');
  };
  process.on('exit', killAll); // a crashed test run must not leave servers behind

  const launch = async (node: ClusterNode) => {
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(node.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        join(dir, `nodes-${node.port}.conf`),
        '--cluster-node-timeout',
        String(NODE_TIMEOUT_MS),
        '--dir',
        dir,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4_000)));
    child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4_000)));
    const failed = new Promise<never>((_, reject) => {
      child.once('error', (error: NodeJS.ErrnoException) =>
        reject(
          error.code === 'ENOENT'
            ? new Error('redis-server is not installed (or not on PATH): `apt-get install redis-server`')
            : error,
        ),
      );
      child.once('exit', (code, signal) =>
        reject(new Error(`redis-server :${node.port} exited early (code ${code}, signal ${signal}):\n${output}`)),
      );
    });
    failed.catch(() => {});
    children.set(node.port, child);
    child.once('exit', () => {
      node.running = false;
    });
    await Promise.race([waitForPong(node.port, START_TIMEOUT_MS), failed]);
    node.running = true;
  };

  const stop = async () => {
    process.off('exit', killAll);
    await Promise.all([...children.values()].map(stopChild));
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    await Promise.all(members.map(launch));
    await redisCli([
      '--cluster',
      'create',
      ...members.map((m) => m.address),
      '--cluster-replicas',
      String(replicas),
      '--cluster-yes',
    ]);
    const handle: RedisClusterHandle = {
      nodes: members.map((m) => m.address).join(','),
      members,
      async masters() {
        const out: number[] = [];
        for (const node of members) {
          if (!node.running) continue;
          const role = await command(node.port, ['ROLE']).catch(() => '');
          if (role.startsWith('master\n')) out.push(node.port);
        }
        return out;
      },
      async kill(port) {
        const child = children.get(port);
        if (!child || child.exitCode !== null || child.signalCode !== null)
          throw new Error(`node ${port} is not running`);
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGKILL');
        await exited;
      },
      async restart(port) {
        const node = members.find((m) => m.port === port);
        if (!node) throw new Error(`no node on port ${port}`);
        if (node.running) throw new Error(`node ${port} is running`);
        await launch(node);
      },
      waitHealthy: (timeoutMs = START_TIMEOUT_MS) => waitHealthy(members, timeoutMs),
      stop,
    };
    await handle.waitHealthy();
    await waitReplicated(members, masters, replicas);
    return handle;
  } catch (error) {
    await stop();
    throw error;
  }
}

async function waitHealthy(members: readonly ClusterNode[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const running = members.filter((m) => m.running);
    const infos = await Promise.all(
      running.map((m) => command(m.port, ['CLUSTER', 'INFO']).catch((e: Error) => e.message)),
    );
    // Every running node agrees the cluster is whole and none still thinks a dead node is alive.
    const ok = infos.every((info) => info.includes('cluster_state:ok') && info.includes('cluster_slots_ok:16384'));
    if (ok && (await allSeeOnlyRunning(members))) return;
    last = infos.find((info) => !info.includes('cluster_state:ok')) ?? 'a node still counts a dead node as connected';
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Redis Cluster not healthy within ${timeoutMs} ms: ${last.slice(0, 300)}`);
}

/** Resolves once there are `masters` masters, each with `replicas` replicas whose link is up (synced). */
async function waitReplicated(members: readonly ClusterNode[], masters: number, replicas: number): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const infos = await Promise.all(members.map((m) => command(m.port, ['INFO', 'replication']).catch(() => '')));
    const master = infos.filter((info) => info.includes('role:master'));
    const linked = infos.filter((info) => info.includes('role:slave') && info.includes('master_link_status:up'));
    const withReplicas = master.filter((info) => Number(/connected_slaves:(\d+)/.exec(info)?.[1] ?? 0) >= replicas);
    if (master.length === masters && withReplicas.length === masters && linked.length === masters * replicas) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Redis Cluster replicas not in sync within ${START_TIMEOUT_MS} ms`);
}

/** True when no running node lists a stopped node as a connected master. */
async function allSeeOnlyRunning(members: readonly ClusterNode[]): Promise<boolean> {
  const stopped = new Set(members.filter((m) => !m.running).map((m) => String(m.port)));
  for (const node of members.filter((m) => m.running)) {
    const nodes = await command(node.port, ['CLUSTER', 'NODES']).catch(() => '');
    for (const line of nodes.split('\n')) {
      const [, address, flags, , , , , state] = line.split(' ');
      const port = address?.split('@')[0]?.split(':')[1];
      if (port && stopped.has(port) && flags?.includes('master') && !flags.includes('fail') && state === 'connected')
        return false;
    }
  }
  return true;
}

function redisCli(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('redis-cli', args, { timeout: START_TIMEOUT_MS }, (error, stdout, stderr) => {
      if (error) {
        const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
        reject(
          new Error(
            missing
              ? 'redis-cli is not installed (Debian: redis-tools)'
              : `redis-cli ${args.join(' ')} failed: ${stderr || stdout}`,
          ),
        );
      } else resolve(stdout);
    });
  });
}

/** One command on a short-lived connection that gives up at once when the node is down. */
async function command(port: number, args: [string, ...string[]]): Promise<string> {
  const client = new Redis({
    port,
    host: '127.0.0.1',
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    connectTimeout: 1_000,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    const reply = await client.call(...args);
    return Array.isArray(reply) ? reply.map(String).join('\n') : String(reply);
  } finally {
    client.disconnect();
  }
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}
