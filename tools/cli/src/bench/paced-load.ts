import type { Pool } from 'undici';
import { buildIngestBodies } from './ingest-bodies';

export interface PacedLoadOptions {
  agents: number;
  samplesPerSecond: number;
  /** Reports per ingest request. */
  batch: number;
}

export interface PacedLoadTotals {
  samples: number;
  rejected: number;
  elapsed: number;
}

/**
 * A fleet's load on `/v1/ingest`, paced: every agent reports once a round (9 samples, fresh values and timestamps
 * each round), the round's requests spread over it as agents report through it rather than in one burst. Rounds
 * follow on from one `run` to the next.
 */
export class PacedLoad {
  readonly roundMs: number;
  private round = 0;

  constructor(
    private readonly pool: Pool,
    private readonly options: PacedLoadOptions,
  ) {
    this.roundMs = (options.agents * 9 * 1000) / options.samplesPerSecond;
  }

  describe(): string {
    const { agents, samplesPerSecond, batch } = this.options;
    return `${agents} agents, a report each every ${Math.round(this.roundMs)} ms (${samplesPerSecond} samples/s), ${batch} reports a request`;
  }

  /** Sends rounds for `seconds` (each round finishes); resolves with what was acknowledged and refused. */
  async run(seconds: number): Promise<PacedLoadTotals> {
    const started = performance.now();
    let samples = 0;
    let rejected = 0;
    for (let r = 0; performance.now() - started < seconds * 1000; r++, this.round++) {
      const due = started + r * this.roundMs;
      const bodies = buildIngestBodies(this.options.agents, this.options.batch, Date.now(), 'request', this.round + 1);
      const gap = this.roundMs / bodies.length;
      const sent: Array<Promise<void>> = [];
      for (let i = 0; i < bodies.length; i++) {
        const wait = due + i * gap - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        const body = bodies[i]!;
        sent.push(
          this.pool
            .request({
              path: '/v1/ingest',
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: body.bytes,
            })
            .then(async (response) => {
              await response.body.dump();
              if (response.statusCode === 200) samples += body.samples;
              else rejected++;
            }),
        );
      }
      await Promise.all(sent);
    }
    return { samples, rejected, elapsed: (performance.now() - started) / 1000 };
  }
}
