import { resolve } from 'node:path';
import type { Backends, Logger } from '@swarmscope/core';
import { History } from './history';
import { durableStore, restoreInto } from './durable-store';

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
  options: { dataDir: string; logger: Logger },
): Promise<{ backends: Backends; history: History; restored: { agents: number; incidents: number } }> {
  const history = await History.open(options);
  const restored = await restoreInto(backends.store, history);
  history.consume(backends.bus);
  return {
    history,
    restored,
    backends: {
      ...backends,
      store: durableStore(backends.store, history),
      // The history's consumers stop and its last rows commit before the bus and the live store close.
      close: async () => {
        await history.close();
        await backends.close();
      },
    },
  };
}
