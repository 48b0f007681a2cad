import { DDSketch } from '@datadog/sketches-js';
import type { WindowSummary } from '@swarmscope/core';

/** Metric names with a meaning of their own in a window; every other number is averaged. */
export const METRIC = {
  responseTime: 'response_time_seconds',
  requests: 'requests',
  errors: 'errors',
  inputTokens: 'input_tokens',
  outputTokens: 'output_tokens',
  cost: 'cost_usd',
} as const;

/** Requests a report stands for: its `requests`, or one when it carries a response time but no count. */
export const requestsIn = (metrics: Readonly<Record<string, number>>): number =>
  metrics[METRIC.requests] ?? (metrics[METRIC.responseTime] !== undefined ? 1 : 0);

// 1 % relative accuracy: p99 within 1 % of the true value, ~100 bins for latencies from 10 ms to 100 s.
const SKETCH_ACCURACY = 0.01;
/**
 * Latencies a window keeps as they came before it builds its sketch. A sketch costs ≈ 2.3 KB (two dense stores of 128
 * bins) and most agents' windows hold a few requests, so an agent's open window stays small; the figures are the same
 * either way, since the values go into a sketch to be summarised or merged.
 */
const RAW_LATENCIES = 32;

const newSketch = () => new DDSketch({ relativeAccuracy: SKETCH_ACCURACY });

/** Running totals of one series over one tumbling window. Merge-able, so model/pool windows are built from agents'. */
export class WindowAccumulator {
  requests = 0;
  errors = 0;
  inputTokens = 0;
  outputTokens = 0;
  costUsd = 0;
  /** The window's latencies while there are few (none: no array); then `sketch`. */
  private latencies: number[] | undefined;
  /** Built past RAW_LATENCIES latencies (a sketch is the bulk of a window's memory). */
  private sketch: DDSketch | undefined;
  /** name → [sum, count] of the other metrics and quality scores. */
  readonly sums = new Map<string, [number, number]>();

  constructor(readonly start: number) {}

  addReport(metrics: Readonly<Record<string, number>>, quality: Readonly<Record<string, number>>): void {
    for (const name in metrics) {
      const value = metrics[name]!;
      switch (name) {
        case METRIC.responseTime:
          this.addLatency(value);
          break;
        case METRIC.requests:
          break; // counted once below, with the reports that only carry a response time
        case METRIC.errors:
          this.errors += value;
          break;
        case METRIC.inputTokens:
          this.inputTokens += value;
          break;
        case METRIC.outputTokens:
          this.outputTokens += value;
          break;
        case METRIC.cost:
          this.costUsd += value;
          break;
        default:
          this.addMean(name, value);
      }
    }
    this.requests += requestsIn(metrics);
    for (const name in quality) this.addMean(name, quality[name]!);
  }

  merge(other: WindowAccumulator): void {
    this.requests += other.requests;
    this.errors += other.errors;
    this.inputTokens += other.inputTokens;
    this.outputTokens += other.outputTokens;
    this.costUsd += other.costUsd;
    if (other.sketch) this.toSketch().merge(other.sketch);
    else if (other.latencies) for (const value of other.latencies) this.addLatency(value);
    for (const [name, [sum, count]] of other.sums) {
      const mine = this.sums.get(name);
      if (mine) {
        mine[0] += sum;
        mine[1] += count;
      } else this.sums.set(name, [sum, count]);
    }
  }

  /** The window's summary; `withSketch` adds the latency sketch itself (aggregate windows, see WindowSummary). */
  summarize(durationMs: number, withSketch = false): WindowSummary {
    const sketch = this.sketch ?? (this.latencies ? this.toSketch() : undefined);
    const n = sketch?.count ?? 0;
    const quantile = (q: number) => (sketch && n > 0 ? sketch.getValueAtQuantile(q) : 0);
    const means: Record<string, number> = {};
    for (const [name, [sum, count]] of this.sums) means[name] = sum / count;
    return {
      start: this.start,
      durationMs,
      count: this.requests,
      errors: this.errors,
      errorRate: this.requests > 0 ? Math.min(1, this.errors / this.requests) : 0,
      latency: {
        mean: sketch && n > 0 ? sketch.sum / n : 0,
        p50: quantile(0.5),
        p95: quantile(0.95),
        p99: quantile(0.99),
        max: sketch && n > 0 ? sketch.max : 0,
        samples: n,
      },
      inputTokens: this.inputTokens,
      outputTokens: this.outputTokens,
      costUsd: this.costUsd,
      means,
      ...(withSketch && sketch && n > 0 ? { latencySketch: Buffer.from(sketch.toProto()).toString('base64') } : {}),
    };
  }

  private addLatency(value: number): void {
    if (this.sketch) {
      this.sketch.accept(value);
      return;
    }
    const latencies = (this.latencies ??= []);
    latencies.push(value);
    if (latencies.length > RAW_LATENCIES) this.toSketch();
  }

  /** The window's sketch, built from its raw latencies first if need be. */
  private toSketch(): DDSketch {
    if (!this.sketch) {
      this.sketch = newSketch();
      for (const value of this.latencies ?? []) this.sketch.accept(value);
      this.latencies = undefined;
    }
    return this.sketch;
  }

  private addMean(name: string, value: number): void {
    const entry = this.sums.get(name);
    if (entry) {
      entry[0] += value;
      entry[1] += 1;
    } else this.sums.set(name, [value, 1]);
  }
}
