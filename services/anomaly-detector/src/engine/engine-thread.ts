import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  encodeReportColumns,
  reportColumnsTransfer,
  type AnomalyEvent,
  type Interaction,
  type SampleReport,
} from '@swarmscope/core';
import type { AgentAnomalyEngineOptions } from './agent-engine';
import { describeEngine } from './default-engine';
import type { AnomalyEngine, ReportVerdict, WarmUp } from './engine-port';
import type { EngineFigures, FromEngine, ToEngine } from './engine-protocol';

// The worker runs compiled JavaScript: from dist/engine/ and from src/engine/ (jest) alike, ../../dist/ is the build.
const WORKER_FILE = resolve(__dirname, '..', '..', 'dist', 'engine', 'engine-worker.js');

type Answer = Extract<FromEngine, { kind: 'done' }>;

/**
 * The service's engine on a worker thread (engine-worker.ts), in the embedded platform and in its own process alike.
 * Requests are posted in order and answered in order; report batches cross as columns with their buffers
 * transferred, so the event loop pays one pass over the reports, not a structured clone of them. A request resolves
 * once the engine has scored it: the bus acknowledges a batch only after that (at-least-once holds). If the thread
 * stops, every pending and later request rejects with why, and `error` says it (readiness fails).
 */
export class EngineThread implements AnomalyEngine {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (answer: Answer) => void; reject: (error: Error) => void }>();
  private sequence = 0;
  private failure: Error | undefined;
  private figures: Required<EngineFigures>;

  constructor(
    private readonly options: AgentAnomalyEngineOptions,
    workerFile = WORKER_FILE,
  ) {
    this.figures = { agents: 0, stateBytes: 0, warmUp: { agents: 0, warming: 0, reportsToWarm: 0 } };
    this.worker = new Worker(workerFile, { workerData: options });
    this.worker.on('message', (message: FromEngine) => this.receive(message));
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`the anomaly engine thread exited (code ${code})`)));
  }

  async observeReports(reports: readonly SampleReport[]): Promise<AnomalyEvent[]> {
    if (reports.length === 0) return [];
    const columns = encodeReportColumns(reports);
    return (await this.request((id) => ({ kind: 'reports', id, columns }), reportColumnsTransfer(columns))).events;
  }

  async detect(report: SampleReport): Promise<{ verdict: ReportVerdict; events: AnomalyEvent[] }> {
    const { verdict, events } = await this.request((id) => ({ kind: 'detect', id, report }));
    return { verdict: verdict!, events };
  }

  async observeInteractions(interactions: readonly Interaction[]): Promise<AnomalyEvent[]> {
    if (interactions.length === 0) return [];
    return (await this.request((id) => ({ kind: 'interactions', id, interactions }))).events;
  }

  async sweep(now: number): Promise<AnomalyEvent[]> {
    return (await this.request((id) => ({ kind: 'sweep', id, now }))).events;
  }

  agents(): number {
    return this.figures.agents;
  }

  stateBytes(): number {
    return this.figures.stateBytes;
  }

  /** As of the last sweep (it walks every agent, so the thread reports it every sweep, not every batch). */
  warmUp(): WarmUp {
    return this.figures.warmUp;
  }

  describe(): Record<string, unknown> {
    return describeEngine(this.options);
  }

  get error(): Error | undefined {
    return this.failure;
  }

  async close(): Promise<void> {
    this.fail(new Error('the anomaly engine thread was closed'));
    await this.worker.terminate();
  }

  private request(message: (id: number) => ToEngine, transfer: ArrayBuffer[] = []): Promise<Answer> {
    if (this.failure) return Promise.reject(this.failure);
    const id = ++this.sequence;
    return new Promise<Answer>((resolvePromise, reject) => {
      this.pending.set(id, { resolve: resolvePromise, reject });
      this.worker.postMessage(message(id), transfer);
    });
  }

  private receive(message: FromEngine): void {
    const waiting = this.pending.get(message.id);
    this.pending.delete(message.id);
    if (message.kind === 'failed') {
      waiting?.reject(new Error(`anomaly engine: ${message.message}`));
      return;
    }
    const { warmUp, ...figures } = message.figures;
    this.figures = { ...figures, warmUp: warmUp ?? { ...this.figures.warmUp, agents: figures.agents } };
    waiting?.resolve(message);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiting of this.pending.values()) waiting.reject(this.failure);
    this.pending.clear();
  }
}
