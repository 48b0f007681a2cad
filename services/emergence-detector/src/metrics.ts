import { EMERGENCE_TYPES, scrapedGauge, type ServiceRegistry } from '@swarmscope/core';
import { Counter, Gauge, Histogram } from 'prom-client';
import { ORDER_PARAMETERS } from './engine';
import type { EngineThread } from './engine-thread';

export const GRAPH_MEASURES = [
  'nodes',
  'edges',
  'density',
  'clustering',
  'communities',
  'modularity',
  'max_pagerank',
] as const;

/** emergence-detector's Prometheus metrics: fleet-level only (parameters, types, measures), never agents. */
export function createEmergenceMetrics(registry: ServiceRegistry, engine: EngineThread) {
  const registers = [registry];
  const events = new Counter({
    name: 'swarmscope_emergence_events_total',
    help: 'Emergence events opened, by type.',
    labelNames: ['type'] as const,
    registers,
  });
  // Every type present from the start, so rate() and absent() behave before the first event.
  for (const type of EMERGENCE_TYPES) events.inc({ type }, 0);
  return {
    events,
    orderParameter: new Gauge({
      name: 'swarmscope_emergence_order_parameter',
      help: 'The fleet order parameters at the last analysed tick.',
      labelNames: ['parameter'] as const,
      registers,
      collect() {
        const now = engine.fleetState().now;
        for (const parameter of ORDER_PARAMETERS) this.set({ parameter }, now?.parameters[parameter] ?? 0);
      },
    }),
    earlyWarning: scrapedGauge(
      registry,
      'swarmscope_emergence_early_warning',
      '1 while an early warning of a phase transition is open, else 0.',
      () => (engine.isOpen('early_warning') ? 1 : 0),
    ),
    graph: new Gauge({
      name: 'swarmscope_emergence_graph',
      help: 'The interaction graph over the horizon.',
      labelNames: ['measure'] as const,
      registers,
      collect() {
        const n = engine.networkMeasures();
        const values: Record<(typeof GRAPH_MEASURES)[number], number> = {
          nodes: n?.nodes ?? 0,
          edges: n?.edges ?? 0,
          density: n?.density ?? 0,
          clustering: n?.clustering ?? 0,
          communities: n?.communities.length ?? 0,
          modularity: n?.modularity ?? 0,
          max_pagerank: n?.maxPagerank ?? 0,
        };
        for (const measure of GRAPH_MEASURES) this.set({ measure }, values[measure]);
      },
    }),
    analysisDuration: new Histogram({
      name: 'swarmscope_emergence_analysis_duration_seconds',
      help: 'Wall time of one analysis tick over the whole fleet (on the engine thread).',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    loopSlice: new Histogram({
      name: 'swarmscope_emergence_loop_slice_seconds',
      help: 'Wall time of each synchronous slice the detector spends on the event loop (posting data to its engine thread, applying results); the analysis itself runs on that thread.',
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05],
      registers,
    }),
    lateReports: lateReportsCounter(registers, engine),
    warningOutcomes: warningOutcomesCounter(registers, engine),
    agentsTracked: scrapedGauge(
      registry,
      'swarmscope_emergence_agents_tracked',
      'Agents with data in the horizon.',
      () => engine.agentsTracked,
    ),
  };
}
export type EmergenceMetrics = ReturnType<typeof createEmergenceMetrics>;

/** Reports the engine dropped as late (their tick analysed already, or gone from its rings), read at scrape time. */
function lateReportsCounter(registers: ServiceRegistry[], engine: EngineThread): Counter {
  let exported = 0;
  return new Counter({
    name: 'swarmscope_emergence_late_reports_total',
    help: 'Reports dropped because their tick had been analysed (closed by the watermark or by data running too far ahead) or had left the per-agent rings.',
    registers,
    collect() {
      const late = engine.lateReports;
      if (late > exported) this.inc(late - exported);
      exported = Math.max(exported, late);
    },
  });
}

const WARNING_OUTCOMES = ['raised', 'followed', 'not_followed'] as const;

/**
 * The early warnings' track record (issue 19): raised, then followed by a phase transition in their pool within
 * the warning span or not; read at scrape time from the last snapshot.
 */
function warningOutcomesCounter(registers: ServiceRegistry[], engine: EngineThread): Counter<'outcome'> {
  const exported: Record<(typeof WARNING_OUTCOMES)[number], number> = { raised: 0, followed: 0, not_followed: 0 };
  const counter = new Counter({
    name: 'swarmscope_emergence_early_warnings_total',
    help: 'Early warnings raised, and how they turned out: followed by a phase transition in their pool within the warning span, or not.',
    labelNames: ['outcome'] as const,
    registers,
    collect() {
      const record = engine.fleetState().now?.warnings;
      if (!record) return;
      const now = { raised: record.raised, followed: record.followed, not_followed: record.notFollowed };
      for (const outcome of WARNING_OUTCOMES) {
        if (now[outcome] > exported[outcome]) this.inc({ outcome }, now[outcome] - exported[outcome]);
        exported[outcome] = Math.max(exported[outcome], now[outcome]);
      }
    },
  });
  for (const outcome of WARNING_OUTCOMES) counter.inc({ outcome }, 0);
  return counter;
}
