import type {
  AgentStore,
  GraphWindow,
  Incident,
  IncidentStore,
  Store,
  WindowStore,
  WindowSummary,
} from '@swarmscope/core';
import type { History } from './history';

/**
 * The live store with the history behind it: reads and writes go to `live` as before; the registry, incidents,
 * closed windows and graph windows are also committed to the history (a write resolves once it is on disk), and a
 * window range reaching before what `live` holds is completed from the history.
 */
export function durableStore(live: Store, history: History): Store {
  const agents: AgentStore = {
    upsert: async (records) => {
      await live.agents.upsert(records);
      await history.writeAgents(records);
    },
    get: (id) => live.agents.get(id),
    list: (filter, page) => live.agents.list(filter, page),
    all: () => live.agents.all(),
    count: () => live.agents.count(),
  };
  const incidents: IncidentStore = {
    upsert: async (records: readonly Incident[]) => {
      // On disk before it is visible: what a reader saw survives a crash.
      await history.writeIncidents(records);
      await live.incidents.upsert(records);
    },
    get: async (id) => (await live.incidents.get(id)) ?? history.incident(id),
    list: (filter, limit) => live.incidents.list(filter, limit),
    unresolved: () => live.incidents.unresolved(),
    prune: (beforeMs) => live.incidents.prune(beforeMs),
  };
  const windows: WindowStore<WindowSummary> = {
    ...readThrough(live.windows, history, { toolUsage: true }),
    append: async (entries) => {
      await history.writeWindows(entries);
      await live.windows.append(entries);
    },
  };
  const graph: WindowStore<GraphWindow> = {
    append: async (entries) => {
      await live.graph.append(entries);
      await history.writeGraph(entries.map((e) => e.window));
    },
    range: (key, fromMs, toMs) => live.graph.range(key, fromMs, toMs),
  };
  return {
    kind: live.kind,
    agents,
    incidents,
    windows,
    graph,
    // Policies and decision logs: the live store's (the autoscaler's own; `keepScalingHistory` mirrors them to disk).
    documents: live.documents,
    logs: live.logs,
    ping: async () => {
      await live.ping();
      if (history.writeError) throw new Error(`history store ${history.path}: ${String(history.writeError)}`);
    },
    close: async () => {
      await history.close();
      await live.close();
    },
  };
}

/**
 * The live window store with the history behind its reads: a range reaching before what `live` holds is completed
 * from the history, and the range reads beyond it (hourly, percentiles; tool usage where the history records it) are
 * the history's. Writes stay `live`'s: distributed mode's history is written from the bus (bus-history.ts).
 */
export function readThrough(
  live: WindowStore<WindowSummary>,
  history: History,
  options: { toolUsage: boolean },
): WindowStore<WindowSummary> {
  return {
    append: (entries) => live.append(entries),
    range: async (key, fromMs, toMs) => {
      const recent = await live.range(key, fromMs, toMs);
      if (recent.length > 0 && recent[0]!.start <= fromMs) return recent;
      // The live store forgot (retention) or never saw (before a restart) the start of the range.
      const until = recent.length > 0 ? recent[0]!.start - 1 : toMs;
      const older = await history.windows(key, fromMs, until);
      return [...older, ...recent];
    },
    history: {
      hourly: (key, fromMs, toMs) => history.hourlyWindows(key, fromMs, toMs),
      percentiles: (key, fromMs, toMs, quantiles) => history.latencyPercentiles(key, fromMs, toMs, quantiles),
      ...(options.toolUsage ? { toolUsage: (query) => history.toolUsage(query) } : {}),
    },
  };
}

/** Loads the registry and the open incidents from the history into a fresh live store (before the services start). */
export async function restoreInto(live: Store, history: History): Promise<{ agents: number; incidents: number }> {
  const agents = await history.agents();
  if (agents.length > 0) await live.agents.upsert(agents);
  const incidents = await history.unresolvedIncidents();
  if (incidents.length > 0) await live.incidents.upsert(incidents);
  return { agents: agents.length, incidents: incidents.length };
}
