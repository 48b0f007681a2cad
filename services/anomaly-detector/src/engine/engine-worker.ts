// The anomaly engine on its own thread: the service posts report batches (as columns, their buffers transferred) and
// gets each batch's events back, so scoring — most of the embedded platform's CPU — leaves the event loop that
// takes ingest.
import { parentPort, workerData } from 'node:worker_threads';
// The columns module alone: this thread needs none of core's HTTP and telemetry stack.
import { decodeReportColumns } from '@swarmscope/core/report-columns';
import type { AgentAnomalyEngineOptions } from './agent-engine';
import { createEngineCore } from './default-engine';
import type { EngineFigures, FromEngine, ToEngine } from './engine-protocol';

const port = parentPort;
if (!port) throw new Error('engine-worker runs as a worker thread');
const engine = createEngineCore(workerData as AgentAnomalyEngineOptions);

port.on('message', (message: ToEngine) => port.postMessage(answer(message)));
// Unasked (id 0): the figures before the first report, warm-up threshold included.
port.postMessage({ kind: 'done', id: 0, events: [], figures: figures(true) } satisfies FromEngine);

function answer(message: ToEngine): FromEngine {
  try {
    if (message.kind === 'reports') {
      const events = [];
      for (const report of decodeReportColumns(message.columns)) events.push(...engine.observe(report).events);
      return { kind: 'done', id: message.id, events, figures: figures(false) };
    }
    if (message.kind === 'detect') {
      const { verdict, events } = engine.observe(message.report);
      return { kind: 'done', id: message.id, events, verdict, figures: figures(false) };
    }
    if (message.kind === 'interactions') {
      const events = [];
      for (const interaction of message.interactions) events.push(...engine.observeInteraction(interaction));
      return { kind: 'done', id: message.id, events, figures: figures(false) };
    }
    return { kind: 'done', id: message.id, events: engine.sweep(message.now), figures: figures(true) };
  } catch (error) {
    return { kind: 'failed', id: message.id, message: (error as Error).message };
  }
}

function figures(withWarmUp: boolean): EngineFigures {
  return {
    agents: engine.agents(),
    stateBytes: engine.stateBytes(),
    ...(withWarmUp ? { warmUp: engine.warmUp() } : {}),
  };
}
