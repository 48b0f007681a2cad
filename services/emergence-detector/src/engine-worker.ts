// The emergence engine on its own thread: the edge posts data and advances here in order and gets each advance's
// results back, so a tick's analysis (graph measures, correlations over the fleet) never blocks the event loop
// that the embedded process's services share.
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
// The columns module alone: the worker loads none of core's HTTP and telemetry stack.
import { decodeReportColumns } from '@swarmscope/core/report-columns';
import { EmergenceEngine, type EngineOptions } from './engine';
import type { FromEngine, NetworkSummary, ToEngine } from './engine-protocol';
import type { NetworkMeasures } from './graph-measures';

const port = parentPort;
if (!port) throw new Error('engine-worker runs as a worker thread');
const engine = new EmergenceEngine(workerData as EngineOptions);
let network: NetworkMeasures | undefined;

port.on('message', (message: ToEngine) => {
  if (message.kind === 'reports') for (const report of decodeReportColumns(message.columns)) engine.ingest(report);
  else if (message.kind === 'interactions')
    for (const interaction of message.interactions) engine.ingestInteraction(interaction);
  else port.postMessage(advance(message.id, message.watermarkMs));
});

function advance(id: number, watermarkMs: number): FromEngine {
  try {
    const started = performance.now();
    const analyses = engine.advance(watermarkMs);
    const analysisMs = performance.now() - started;
    const current = engine.networkMeasures();
    const changedNetwork = current !== network ? summary((network = current)) : undefined;
    const changed = analyses.some((a) => a.changes.length > 0);
    return {
      kind: 'advanced',
      id,
      results: analyses.map(({ tick, time, changes, snapshot }) => ({ tick, time, changes, snapshot })),
      state: {
        agentsTracked: engine.agentsTracked,
        lateReports: engine.series.lateReports,
        horizon: engine.horizon(),
        ...(changedNetwork ? { network: changedNetwork } : {}),
        ...(changed ? { openEvents: engine.tracker.list() } : {}),
      },
      analysisMs,
    };
  } catch (error) {
    return { kind: 'failed', id, message: (error as Error).message };
  }
}

function summary(measures: NetworkMeasures | undefined): NetworkSummary | undefined {
  if (!measures) return undefined;
  const { nodes, edges, density, clustering, degree, communities, modularity, hubs, maxPagerank } = measures;
  return { nodes, edges, density, clustering, degree, communities, modularity, hubs, maxPagerank };
}
