import { Fleet } from './fleet';
import type {
  AgentMonitorOptions,
  QualityScores,
  Report,
  ReportMetrics,
  ReportQuality,
  RequestSample,
  ResourceSample,
} from './types';
import { checkApiKey, checkEndpoint, checkInteger, checkNumber, checkString } from './validate';

// The health-monitor's limits (services/health-monitor/src/ingest-schema.ts): checked here so a
// mistake throws at the call instead of every report being refused later.
const AGENT_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const NAME = /^[a-z][a-z0-9_]{0,63}$/;
const IDENTITY_LENGTH = 128;
const MAX_QUALITY_SCORES = 32;
const MAX_LABELS = 32;
const LABEL_NAME_LENGTH = 64;
const LABEL_VALUE_LENGTH = 256;

/**
 * Reports one agent's work to Swarmscope. Every report carries agentId/model/pool/type, so the
 * server can register the agent from any of them, even after it restarts.
 *
 * Many monitors should share one Fleet (one connection pool); a monitor given only an endpoint
 * owns a Fleet of its own and closes it on close().
 */
export class AgentMonitor {
  readonly agentId: string;
  readonly model: string;
  readonly type: string;
  readonly pool: string;
  /** Where the reports go; shared or owned. */
  readonly fleet: Fleet;

  private readonly ownsFleet: boolean;
  private readonly labels?: Readonly<Record<string, string>>;
  private readonly now: () => number;
  private readonly heartbeatIntervalMs: number;
  private heartbeat?: NodeJS.Timeout;
  /** Real (monotonic) time of the last report: liveness is about real time even when `now` is simulated. */
  private lastReportAt = performance.now();
  private closed = false;

  constructor(options: AgentMonitorOptions) {
    if (typeof options !== 'object' || options === null) throw new TypeError('AgentMonitorOptions must be an object');
    if (typeof options.agentId !== 'string' || !AGENT_ID.test(options.agentId)) {
      throw new TypeError(
        `AgentMonitorOptions.agentId must be 1 to 128 characters of [A-Za-z0-9._:-], got ${JSON.stringify(options.agentId)}`,
      );
    }
    this.agentId = options.agentId;
    this.model = checkString(options.model, 'AgentMonitorOptions.model', IDENTITY_LENGTH);
    this.type = checkString(options.type ?? 'general', 'AgentMonitorOptions.type', IDENTITY_LENGTH);
    this.pool = checkString(options.pool ?? 'default', 'AgentMonitorOptions.pool', IDENTITY_LENGTH);
    this.labels = checkLabels(options.labels);
    if (options.now !== undefined && typeof options.now !== 'function') {
      throw new TypeError('AgentMonitorOptions.now must be a function returning epoch milliseconds');
    }
    this.now = options.now ?? Date.now;
    this.heartbeatIntervalMs = checkNumber(
      options.heartbeatIntervalMs ?? 10_000,
      'AgentMonitorOptions.heartbeatIntervalMs',
      0,
      2 ** 31 - 1,
    );

    if (options.fleet !== undefined) {
      if (!(options.fleet instanceof Fleet)) throw new TypeError('AgentMonitorOptions.fleet must be a Fleet');
      if (options.endpoint !== undefined || options.apiKey !== undefined) {
        throw new TypeError('AgentMonitorOptions.endpoint and .apiKey belong to the Fleet when a fleet is given');
      }
      this.fleet = options.fleet;
      this.ownsFleet = false;
    } else {
      if (options.endpoint === undefined) throw new TypeError('AgentMonitorOptions.endpoint is required when no fleet is given');
      const endpoint = checkEndpoint(options.endpoint, 'AgentMonitorOptions.endpoint').href;
      const apiKey = options.apiKey === undefined ? undefined : checkApiKey(options.apiKey, 'AgentMonitorOptions.apiKey');
      this.fleet = new Fleet({ endpoint, apiKey });
      this.ownsFleet = true;
    }
    if (this.heartbeatIntervalMs > 0) this.scheduleHeartbeat(this.heartbeatIntervalMs);
  }

  /** Makes the agent appear on the server now: a report with its identity and `requests: 0`. */
  register(): void {
    this.emit({ requests: 0 }, undefined);
  }

  /**
   * One handled request; throws a TypeError naming the field when a number is not finite and ≥ 0,
   * or when a count (tokens, tool calls) is not a whole number.
   */
  recordRequest(sample: RequestSample): void {
    const metrics: ReportMetrics = {
      response_time_seconds: checkNumber(sample.latencySeconds, 'latencySeconds', 0),
      requests: 1,
      errors: checkError(sample.error) ? 1 : 0,
    };
    if (sample.inputTokens !== undefined) metrics.input_tokens = checkInteger(sample.inputTokens, 'inputTokens', 0);
    if (sample.outputTokens !== undefined) metrics.output_tokens = checkInteger(sample.outputTokens, 'outputTokens', 0);
    if (sample.costUsd !== undefined) metrics.cost_usd = checkNumber(sample.costUsd, 'costUsd', 0);
    if (sample.toolCalls !== undefined) metrics.tool_calls = checkInteger(sample.toolCalls, 'toolCalls', 0);
    this.emit(metrics, undefined);
  }

  /** Resource usage; cpuPercent may exceed 100 on several cores. Nothing is sent when both are absent. */
  recordResources(sample: ResourceSample): void {
    const metrics: ReportMetrics = {};
    let any = false;
    if (sample.cpuPercent !== undefined) {
      metrics.cpu_percent = checkNumber(sample.cpuPercent, 'cpuPercent', 0);
      any = true;
    }
    if (sample.memoryBytes !== undefined) {
      metrics.memory_bytes = checkNumber(sample.memoryBytes, 'memoryBytes', 0);
      any = true;
    }
    if (any) this.emit(metrics, undefined);
  }

  /**
   * Quality scores, each a finite number in [0, 1] (never clamped: a TypeError names the bad field).
   * Custom names must be snake_case (≤ 64 characters). Undefined values are skipped; 1 to 32 scores.
   */
  reportQuality(scores: QualityScores): void {
    if (typeof scores !== 'object' || scores === null) throw new TypeError('quality scores must be an object');
    const quality: ReportQuality = {};
    let count = 0;
    for (const name of Object.keys(scores)) {
      const value = scores[name];
      if (value === undefined) continue;
      if (!NAME.test(name)) throw new TypeError(`quality score name ${JSON.stringify(name)} must be snake_case of at most 64 characters`);
      quality[name] = checkNumber(value, name, 0, 1);
      count++;
    }
    if (count === 0) throw new TypeError('reportQuality needs at least one score');
    if (count > MAX_QUALITY_SCORES) throw new TypeError(`reportQuality takes at most ${MAX_QUALITY_SCORES} scores, got ${count}`);
    this.emit(undefined, quality);
  }

  /** Stops the heartbeat; flushes and closes the Fleet if this monitor owns it. Later reports are ignored. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.heartbeat);
    this.heartbeat = undefined;
    if (this.ownsFleet) await this.fleet.close();
  }

  private emit(metrics: ReportMetrics | undefined, quality: ReportQuality | undefined): void {
    if (this.closed) return;
    this.lastReportAt = performance.now();
    // One object shape for every report; JSON leaves the undefined fields out.
    const report: Report = {
      agentId: this.agentId,
      // The server wants whole milliseconds; a custom clock may return fractions.
      timestamp: Math.floor(this.now()),
      model: this.model,
      pool: this.pool,
      type: this.type,
      labels: this.labels,
      metrics,
      quality,
    };
    this.fleet.record(report);
  }

  /** The next check runs when the agent would have been quiet for a full interval. */
  private scheduleHeartbeat(delayMs: number): void {
    this.heartbeat = setTimeout(this.beat, delayMs);
    this.heartbeat.unref();
  }

  private readonly beat = (): void => {
    if (this.closed) return;
    const quietMs = performance.now() - this.lastReportAt;
    // 1 ms of slack: timers and the clock round differently.
    if (quietMs >= this.heartbeatIntervalMs - 1) {
      this.emit({ requests: 0 }, undefined);
      this.scheduleHeartbeat(this.heartbeatIntervalMs);
    } else {
      this.scheduleHeartbeat(this.heartbeatIntervalMs - quietMs);
    }
  };
}

function checkError(value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new TypeError(`error must be a boolean, got ${String(value)}`);
  return value;
}

function checkLabels(labels: unknown): Readonly<Record<string, string>> | undefined {
  if (labels === undefined) return undefined;
  if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) {
    throw new TypeError('AgentMonitorOptions.labels must be an object of strings');
  }
  const entries = Object.entries(labels);
  if (entries.length > MAX_LABELS) throw new TypeError(`AgentMonitorOptions.labels holds at most ${MAX_LABELS} labels, got ${entries.length}`);
  const copy: Record<string, string> = {};
  for (const [name, value] of entries) {
    if (name.length > LABEL_NAME_LENGTH) {
      throw new TypeError(`AgentMonitorOptions.labels: name ${JSON.stringify(name)} is longer than ${LABEL_NAME_LENGTH} characters`);
    }
    if (typeof value !== 'string' || value.length > LABEL_VALUE_LENGTH) {
      throw new TypeError(`AgentMonitorOptions.labels.${name} must be a string of at most ${LABEL_VALUE_LENGTH} characters`);
    }
    copy[name] = value;
  }
  // No labels: leave the field out of reports altogether.
  return Object.keys(copy).length > 0 ? Object.freeze(copy) : undefined;
}
