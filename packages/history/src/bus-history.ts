import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { StartupError, type Backends, type Logger, type Store } from '@swarmscope/core';
import { HistoryOpenError } from './errors';
import { History } from './history';
import { readThrough } from './durable-store';
import { Maintenance } from './maintenance';
import type { Retention } from './retention';

/** The lease family that names the one replica writing the distributed history. */
export const HISTORY_LEASE = 'history';
const LEASE_TTL_MS = 30_000;

export interface BusHistory {
  history: History;
  maintenance: Maintenance;
  /** `backends.store` with the history behind its window reads (ranges past Redis's retention, hours, percentiles). */
  store: Store;
  close(): Promise<void>;
}

/**
 * Distributed mode's history: kept by the one health-monitor replica given a data directory, written from the bus in
 * a consumer group of its own (`history`: closed windows, anomaly and emergence events, incident changes; each batch
 * acknowledged after its commit, so a crash or a restart resumes where the file stopped, and a new group starts from
 * the oldest entry Redis still holds). A lease (`history`, shard 0) makes it one writer: a second replica given a data
 * directory is refused at start instead of splitting the group's messages with the first. The owner is this host and
 * directory, so the same replica restarted (even after kill -9) takes its lease straight back.
 */
export async function openBusHistory(
  backends: Backends,
  options: { dataDir: string; logger: Logger; retention: Retention; owner?: string },
): Promise<BusHistory> {
  const { logger } = options;
  const leases = backends.leases(HISTORY_LEASE);
  const owner = options.owner ?? `${hostname()}:${resolve(options.dataDir)}`;
  if (!(await leases.acquire(0, owner, LEASE_TTL_MS))) {
    const [holder] = await leases.holders([0]);
    throw new StartupError(
      `history: ${holder ?? 'another replica'} keeps the distributed history already (lease "${HISTORY_LEASE}"); set SWARMSCOPE_DATA_DIR on one health-monitor replica only`,
    );
  }
  let history: History;
  try {
    history = await History.open({ dataDir: options.dataDir, logger });
  } catch (error) {
    await leases.release(0, owner);
    throw error instanceof HistoryOpenError ? new StartupError(error.message) : error;
  }
  history.consume(backends.bus, { windows: true, incidents: true, startFrom: 'earliest' });
  const maintenance = new Maintenance({ history, retention: options.retention, logger });
  maintenance.start();

  // Lost (expired during a stall, taken): stop writing, and say so on /readyz, rather than two writers.
  let lost: string | undefined;
  const renewal = setInterval(() => {
    void leases.renew(0, owner, LEASE_TTL_MS).then(
      async (held) => {
        if (held || lost) return;
        const [holder] = await leases.holders([0]);
        lost = `history: lost the lease "${HISTORY_LEASE}" to ${holder ?? 'nobody (expired)'}; stopped writing`;
        logger.error({ owner, holder }, lost);
        await history.stopConsuming();
      },
      (error: unknown) => logger.warn({ err: error }, 'history: renewing the lease failed; retrying'),
    );
  }, LEASE_TTL_MS / 3);
  renewal.unref();

  const live = backends.store;
  const store: Store = {
    kind: live.kind,
    agents: live.agents,
    incidents: live.incidents,
    graph: live.graph,
    documents: live.documents,
    logs: live.logs,
    close: () => live.close(),
    windows: readThrough(live.windows, history, { toolUsage: false }),
    ping: async () => {
      await live.ping();
      if (lost) throw new Error(lost);
      if (history.writeError) throw new Error(`history store ${history.path}: ${String(history.writeError)}`);
    },
  };
  return {
    history,
    maintenance,
    store,
    async close() {
      clearInterval(renewal);
      await maintenance.stop();
      await history.close();
      if (!lost) await leases.release(0, owner);
    },
  };
}
