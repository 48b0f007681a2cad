import { DeliveryChannel, type ChannelConfig } from './delivery-channel';
import { MAX_REPORTS_PER_BODY } from './encode';
import type { CloseOptions, FleetOptions, FleetStats, FlushOptions, Interaction, Report } from './types';
import { checkApiKey, checkEndpoint, checkInteger, checkNumber } from './validate';

/**
 * Reports (or interactions) per POST by default. The platform scores a request's reports one after the other, so the
 * last waits for all before it: at ≈ 20 µs a report, 1,000-report requests alone put the anomaly-detector's p99 from
 * acceptance to verdict past 20 ms, 256 keep it under 10 ms (`pnpm bench -- detection-latency --batch N`).
 * OpenTelemetry's batch span processor sends at most 512.
 */
export const DEFAULT_BATCH_SIZE = 256;

/** Paths appended to the endpoint's. */
export const INGEST_PATH = '/v1/ingest';
export const INTERACTIONS_PATH = '/v1/interactions';

/**
 * Carries many agents' reports and agent-to-agent interactions to one health-monitor, each over its
 * own bounded queue and pool of keep-alive connections, with the same guarantees.
 *
 * record() and recordInteraction() only queue; batches leave when `batchSize` items wait, every
 * `flushIntervalMs`, and on flush()/close(). Memory is bounded per channel: queued + in flight ≤
 * maxQueue + maxInFlight × batchSize. Delivery is at least once: a batch whose answer is lost is
 * posted again. A platform that is down costs nothing but that memory; delivery resumes by itself.
 */
export class Fleet {
  /** The endpoint items go to (`/v1/ingest` and `/v1/interactions` are appended to its path). */
  readonly endpoint: string;

  private readonly reports: DeliveryChannel<Report>;
  private readonly interactions: DeliveryChannel<Interaction>;
  private readonly timer: NodeJS.Timeout;
  private closing?: Promise<void>;

  constructor(options: FleetOptions) {
    if (typeof options !== 'object' || options === null) throw new TypeError('FleetOptions must be an object');
    const url = checkEndpoint(options.endpoint, 'FleetOptions.endpoint');
    this.endpoint = url.href;
    const baseMs = checkNumber(options.backoff?.baseMs ?? 200, 'FleetOptions.backoff.baseMs', 0);
    const compression = options.compression ?? 'none';
    if (compression !== 'none' && compression !== 'gzip') {
      throw new TypeError(`FleetOptions.compression must be 'none' or 'gzip', got ${JSON.stringify(compression)}`);
    }
    if (options.onError !== undefined && typeof options.onError !== 'function') {
      throw new TypeError('FleetOptions.onError must be a function');
    }
    const shared: Omit<ChannelConfig, 'name' | 'path' | 'maxQueue'> = {
      endpoint: url,
      apiKey: options.apiKey === undefined ? undefined : checkApiKey(options.apiKey, 'FleetOptions.apiKey'),
      batchSize: checkInteger(
        options.batchSize ?? DEFAULT_BATCH_SIZE,
        'FleetOptions.batchSize',
        1,
        MAX_REPORTS_PER_BODY,
      ),
      maxInFlight: checkInteger(options.maxInFlight ?? 4, 'FleetOptions.maxInFlight', 1, 1024),
      maxRetries: checkInteger(options.maxRetries ?? 8, 'FleetOptions.maxRetries', 0),
      baseMs,
      maxMs: checkNumber(options.backoff?.maxMs ?? 30_000, 'FleetOptions.backoff.maxMs', baseMs, 2 ** 31 - 1),
      compression,
      requestTimeoutMs: checkNumber(
        options.requestTimeoutMs ?? 10_000,
        'FleetOptions.requestTimeoutMs',
        1,
        2 ** 31 - 1,
      ),
      onError: options.onError,
    };
    const flushIntervalMs = checkNumber(
      options.flushIntervalMs ?? 1000,
      'FleetOptions.flushIntervalMs',
      1,
      2 ** 31 - 1,
    );
    const maxQueue = checkInteger(options.maxQueue ?? 100_000, 'FleetOptions.maxQueue', 1);
    const maxInteractionQueue = checkInteger(
      options.maxInteractionQueue ?? 10_000,
      'FleetOptions.maxInteractionQueue',
      1,
    );

    this.reports = new DeliveryChannel<Report>({ ...shared, name: 'reports', path: INGEST_PATH, maxQueue });
    this.interactions = new DeliveryChannel<Interaction>({
      ...shared,
      name: 'interactions',
      path: INTERACTIONS_PATH,
      maxQueue: maxInteractionQueue,
    });
    this.timer = setInterval(this.tick, flushIntervalMs);
    this.timer.unref(); // telemetry must never keep a process alive
  }

  /**
   * Queues one report: O(1), never throws, never sends synchronously. When the queue is full the
   * oldest queued report is dropped (fresh data matters more to monitoring). After close() the
   * report is counted as dropped. The report must not be mutated afterwards.
   */
  record(report: Report): void {
    this.reports.push(report);
  }

  /**
   * Queues one agent-to-agent interaction, with the same guarantees as record() on a queue of its
   * own (`maxInteractionQueue`), posted to `/v1/interactions`. Not validated here: the server
   * refuses invalid ones (counted in `stats().interactions.rejected`); AgentMonitor validates.
   */
  recordInteraction(interaction: Interaction): void {
    this.interactions.push(interaction);
  }

  /**
   * Resolves once every report and interaction queued at the call has been settled (sent, rejected
   * or dropped), in-flight batches included. While the endpoint is down this lasts as long as the
   * retries, unless `timeoutMs` is given: then it resolves after that long at the latest, and what
   * is left keeps being delivered in the background.
   */
  flush(options: FlushOptions = {}): Promise<void> {
    let timeoutMs: number | undefined;
    try {
      timeoutMs =
        options.timeoutMs === undefined
          ? undefined
          : checkNumber(options.timeoutMs, 'FlushOptions.timeoutMs', 0, 2 ** 31 - 1);
    } catch (error) {
      return Promise.reject(error);
    }
    return Promise.all([this.reports.flush(timeoutMs), this.interactions.flush(timeoutMs)]).then(() => undefined);
  }

  /**
   * Stops the timer, record() and recordInteraction(), delivers what it can within `timeoutMs`,
   * counts the rest as dropped and closes the connections. Idempotent: later calls return the same
   * promise.
   */
  close(options: CloseOptions = {}): Promise<void> {
    if (!this.closing) {
      let timeoutMs: number;
      try {
        timeoutMs = checkNumber(options.timeoutMs ?? 5000, 'CloseOptions.timeoutMs', 0, 2 ** 31 - 1);
      } catch (error) {
        return Promise.reject(error);
      }
      clearInterval(this.timer);
      this.closing = Promise.all([this.reports.close(timeoutMs), this.interactions.close(timeoutMs)]).then(
        () => undefined,
      );
    }
    return this.closing;
  }

  /**
   * A snapshot of the counters: the reports' at the top level, the interactions' in `interactions`.
   * For each, `recorded === queued + inFlight + sent + rejected + dropped`.
   */
  stats(): FleetStats {
    return { ...this.reports.stats(), interactions: this.interactions.stats() };
  }

  private readonly tick = (): void => {
    this.reports.tick();
    this.interactions.tick();
  };
}
