import { resolve } from 'node:path';
import type { Backends, Logger } from '@swarmscope/core';
import type { HistoryFaultError } from './errors';
import { History } from './history';
import { durableStore, restoreInto } from './durable-store';
import { Maintenance } from './maintenance';
import { retentionFrom } from './retention';

export const DEFAULT_DATA_DIR = '.swarmscope';

/** `SWARMSCOPE_DATA_DIR`, or `./.swarmscope` of the working directory; absolute. */
export function dataDirFrom(env: NodeJS.ProcessEnv): string {
  return resolve(env.SWARMSCOPE_DATA_DIR?.trim() || DEFAULT_DATA_DIR);
}

/**
 * Puts the history behind in-memory backends: restores the registry and open incidents, then returns backends whose
 * store also commits to disk and whose bus's anomaly and emergence events are kept. Call before any service starts.
 */
export async function withHistory(
  backends: Backends,
  options: { dataDir: string; logger: Logger; onFault?: (fault: HistoryFaultError) => void },
  env: NodeJS.ProcessEnv = process.env,
): Promise<{
  backends: Backends;
  history: History;
  maintenance: Maintenance;
  restored: { agents: number; incidents: number };
}> {
  const retention = retentionFrom(env);
  const history = await History.open(options);
  const restored = await restoreInto(backends.store, history);
  history.consume(backends.bus);
  const maintenance = new Maintenance({ history, retention, logger: options.logger });
  maintenance.start();
  return {
    history,
    maintenance,
    restored,
    backends: {
      ...backends,
      store: durableStore(backends.store, history),
      // The history's consumers stop and its last rows commit before the bus and the live store close.
      close: async () => {
        await maintenance.stop();
        await history.close();
        await backends.close();
      },
    },
  };
}
