import type { Logger } from '@swarmscope/core';
import type { History } from './history';

/** What the mirror reads of an autoscaler (its policy book and decision log), structurally. */
export interface ScalingSource {
  policies: { all(): ReadonlyArray<{ pool: string }> };
  decisions: {
    query(filter: { since?: number; limit: number }): ReadonlyArray<{ id: string; pool: string; at: number }>;
  };
}

/**
 * Copies an autoscaler's policies (when they change) and new decisions into the history every `everyMs`, and once
 * more on stop. A crash loses at most the last interval of them; the autoscaler itself stays unaware of the history.
 */
export class ScalingMirror {
  private readonly written = new Map<string, string>();
  private since = 0;
  private seenAtSince = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly history: History,
    private readonly source: ScalingSource,
    private readonly options: { logger: Logger; isDefault: (policy: { pool: string }) => boolean },
  ) {}

  /** Policies already on disk (restored at start): written again only when they change. */
  remember(policies: ReadonlyArray<{ pool: string; policy: unknown }>): void {
    for (const { pool, policy } of policies) this.written.set(pool, JSON.stringify(policy));
  }

  start(everyMs: number): void {
    this.timer = setInterval(() => void this.sync(), everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.sync();
  }

  /** Writes what changed since the last sync; never rejects (a failure is logged and retried next time). */
  sync(): Promise<void> {
    this.running = this.running.then(() =>
      this.syncNow().catch((error: unknown) =>
        this.options.logger.error({ err: error }, 'history: saving scaling policies and decisions failed'),
      ),
    );
    return this.running;
  }

  private async syncNow(): Promise<void> {
    const policies = this.source.policies.all().filter((policy) => {
      const json = JSON.stringify(policy);
      const before = this.written.get(policy.pool);
      // A pool's untouched default policy is not history; a policy set back to the default after a change is.
      return json !== before && (before !== undefined || !this.options.isDefault(policy));
    });
    const fresh = this.source.decisions
      .query({ since: this.since, limit: 100_000 })
      .filter((d) => !(d.at === this.since && this.seenAtSince.has(d.id)))
      .reverse();
    await Promise.all([
      this.history.writePolicies(policies.map((policy) => ({ pool: policy.pool, policy }))),
      this.history.writeDecisions(fresh.map((decision) => ({ time: decision.at, pool: decision.pool, decision }))),
    ]);
    for (const policy of policies) this.written.set(policy.pool, JSON.stringify(policy));
    for (const decision of fresh) {
      if (decision.at > this.since) {
        this.since = decision.at;
        this.seenAtSince = new Set();
      }
      if (decision.at === this.since) this.seenAtSince.add(decision.id);
    }
  }
}
