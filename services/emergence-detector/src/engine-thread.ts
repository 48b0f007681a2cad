import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import {
  encodeReportColumns,
  reportColumnsTransfer,
  type EmergenceEvent,
  type Interaction,
  type SampleReport,
} from '@swarmscope/core';
import type { EngineOptions, FleetSnapshot } from './engine';
import type { FromEngine, NetworkSummary, TickResult, ToEngine } from './engine-protocol';
import type { EmergenceType } from './types';

// The worker runs compiled JavaScript: from dist/ and from src/ (jest) alike, ../dist/ is the build.
const WORKER_FILE = resolve(__dirname, '..', 'dist', 'engine-worker.js');

export interface AdvanceResult {
  results: TickResult[];
  /** Wall time the engine's thread spent analysing them. */
  analysisMs: number;
}

/**
 * The edge's handle on the engine, which runs in a worker thread (engine-worker.ts): data and advances are posted
 * in order, each advance resolves with its ticks' results, and the state the API and metrics read is mirrored here.
 * `onSlice` receives the wall time of each synchronous slice this class spends on the event loop.
 */
export class EngineThread {
  private readonly worker: Worker;
  private readonly pending = new Map<
    number,
    { resolve: (result: AdvanceResult) => void; reject: (error: Error) => void }
  >();
  private sequence = 0;
  private failure: Error | undefined;
  private readonly history: FleetSnapshot[] = [];
  private horizonState: { ticks: number; of: number; full: boolean };
  private network: NetworkSummary | undefined;
  private open: EmergenceEvent[] = [];
  private tracked = 0;
  private late = 0;
  /** The synchronous slices this handle has spent on the event loop so far. */
  readonly slices = { count: 0, maxMs: 0 };

  constructor(
    readonly options: EngineOptions,
    private readonly onSlice: (ms: number) => void = () => undefined,
  ) {
    this.horizonState = { ticks: 0, of: options.horizonTicks, full: false };
    this.worker = new Worker(WORKER_FILE, { workerData: options });
    this.worker.on('message', (message: FromEngine) => this.timed(() => this.receive(message)));
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`the engine thread exited (code ${code})`)));
  }

  ingest(reports: SampleReport[]): void {
    if (reports.length === 0 || this.failure) return;
    // Reports go as columns with their buffers transferred: a structured clone of the objects would walk each one here.
    this.timed(() => {
      const columns = encodeReportColumns(reports);
      this.worker.postMessage({ kind: 'reports', columns } satisfies ToEngine, reportColumnsTransfer(columns));
    });
  }

  ingestInteractions(interactions: Interaction[]): void {
    if (interactions.length > 0) this.post({ kind: 'interactions', interactions });
  }

  /** Analyses every tick data time `watermarkMs` has closed (after all data posted before this call). */
  advance(watermarkMs: number): Promise<AdvanceResult> {
    if (this.failure) return Promise.reject(this.failure);
    const id = ++this.sequence;
    return new Promise<AdvanceResult>((resolvePromise, reject) => {
      this.pending.set(id, { resolve: resolvePromise, reject });
      this.post({ kind: 'advance', id, watermarkMs });
    });
  }

  /** The latest fleet snapshot and the recent ones, oldest first. */
  fleetState(): { now: FleetSnapshot | undefined; history: FleetSnapshot[] } {
    return { now: this.history[this.history.length - 1], history: this.history.slice() };
  }

  networkMeasures(): NetworkSummary | undefined {
    return this.network;
  }

  /** Open events, newest first. */
  openEvents(): EmergenceEvent[] {
    return this.open;
  }

  isOpen(type: EmergenceType): boolean {
    return this.open.some((e) => e.type === type);
  }

  get agentsTracked(): number {
    return this.tracked;
  }

  /** How much of the analysis horizon the last analysed tick had: it fills again after a start or a restart. */
  horizon(): { ticks: number; of: number; full: boolean } {
    return this.horizonState;
  }

  get lateReports(): number {
    return this.late;
  }

  /** Undefined while the thread runs; why it stopped otherwise. */
  get error(): Error | undefined {
    return this.failure;
  }

  async close(): Promise<void> {
    this.failure ??= new Error('the engine thread was closed');
    await this.worker.terminate();
  }

  private post(message: ToEngine): void {
    if (this.failure) return;
    // The structured clone of a message is the one cost the event loop pays per message (reports go as columns).
    this.timed(() => this.worker.postMessage(message));
  }

  private receive(message: FromEngine): void {
    const waiting = this.pending.get(message.id);
    this.pending.delete(message.id);
    if (message.kind === 'failed') {
      waiting?.reject(new Error(message.message));
      return;
    }
    const { state } = message;
    this.tracked = state.agentsTracked;
    this.horizonState = state.horizon;
    this.late = state.lateReports;
    if (state.network) this.network = state.network;
    if (state.openEvents) this.open = state.openEvents;
    for (const result of message.results) {
      this.history.push(result.snapshot);
      if (this.history.length > this.options.historyTicks) this.history.shift();
    }
    waiting?.resolve({ results: message.results, analysisMs: message.analysisMs });
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiting of this.pending.values()) waiting.reject(this.failure);
    this.pending.clear();
  }

  private timed(slice: () => void): void {
    const started = performance.now();
    slice();
    const ms = performance.now() - started;
    this.slices.count++;
    if (ms > this.slices.maxMs) this.slices.maxMs = ms;
    this.onSlice(ms);
  }
}
