import type { PoolTrace } from './pool-shifts';
import { TraceRandom } from './random';

/**
 * A fourth held-out family for the autoscaler (issue 20, i20-cost3), written before that session's tuning and not
 * replayed until its parameters were fixed. An LLM-inference pool, unlike the three families before it:
 *  - long service times: a replica serves 0.5 requests/s (2 s of generation per request), the SLO is a 10 s p95, so
 *    the pool runs hundreds of slow replicas where the others run tens of fast ones; replicas start slowly (loading
 *    weights: 90–240 s);
 *  - the load is a shot-noise of agent sessions (Poisson session starts, each a geometric run of turns spaced by
 *    think time, each turn fanning out into a geometric number of calls at once), so it clusters on its own (natural
 *    bursts that are no fault), over a two-timezone business day (Europe and America overlapping), quiet weekends;
 *  - two kinds of excursion: batch evaluation jobs (a flat block of extra load that starts and stops abruptly, at
 *    any hour) and viral surges that rise over tens of minutes and last hours (slow, not flash crowds);
 *  - a request's cost drifts (contexts grow: ×1.3 over the trace, in hourly steps) or steps down (a faster model
 *    build, ×0.7).
 * Requests per 10 s, 6 days.
 */
export interface InferenceTrace extends PoolTrace {
  /** Requests per second one replica serves at the start (before any cost step). */
  serviceRate: number;
  /** The SLO: a minute's p95 latency at or under this, seconds. */
  sloSeconds: number;
}

const MINUTE = 60;
const HOUR = 3600;
const DAY = 86_400;
/** Tuesday 2026-09-08 00:00 UTC (the other families start on a Monday, a Wednesday and a Friday). */
const TUESDAY = 1_788_825_600;
const STEP = 10;
/** Calls an agent's turn fans out into, on average (geometric). */
const CALLS_PER_TURN = 3;

/** Business hours as a smooth plateau (logistic edges, ~30 min), hours in UTC. */
function plateau(hour: number, from: number, to: number): number {
  const edge = (x: number) => 1 / (1 + Math.exp(-x * 4));
  return edge(hour - from) * edge(to - hour);
}

/** Europe 07–17 UTC and America 13–22 UTC on weekdays (America a little larger); weekends 25 % of it, a night floor. */
function businessDay(t: number): number {
  const hour = (t % DAY) / HOUR;
  const day = Math.floor(t / DAY) % 7; // 0 = Tuesday
  const weekend = day === 4 || day === 5;
  const work = 0.8 * plateau(hour, 7, 17) + plateau(hour, 13, 22);
  return 0.12 + (weekend ? 0.25 : 1) * work;
}

interface Block {
  from: number;
  to: number;
  /** Extra requests per second, as a share of the mean session load. */
  extra: number;
}

interface Surge {
  at: number;
  rise: number;
  hold: number;
  fall: number;
  /** Multiplies the session load at its top. */
  size: number;
}

function surgeFactor(t: number, surges: readonly Surge[]): number {
  let factor = 1;
  for (const s of surges) {
    const into = t - s.at;
    if (into < 0 || into > s.rise + s.hold + 3 * s.fall) continue;
    const shape =
      into < s.rise ? into / s.rise : into < s.rise + s.hold ? 1 : Math.exp(-(into - s.rise - s.hold) / s.fall);
    factor *= 1 + (s.size - 1) * shape;
  }
  return factor;
}

export interface InferenceOptions {
  startupSeconds: number;
  /** Batch evaluation jobs per day (blocks of flat extra load). */
  batchesPerDay: number;
  /** Viral surges over the trace. */
  surges: number;
  /** 'drift': a request costs ×1.3 by the end (hourly steps); 'faster': ×0.7 from 55 % of the trace on; 'none'. */
  cost: 'drift' | 'faster' | 'none';
  days?: number;
}

/**
 * Session shot-noise over a business day. Sessions start as a Poisson process (rate ∝ the business day × surges);
 * each takes a first turn, then goes on with probability 0.8 after each one, a think time (exponential, mean 40 s)
 * apart: in expectation 5 turns over 200 s. Per step, the turns are Poisson around the sessions alive (an
 * exponentially decaying sum), so the load clusters with the session counts, and each turn's calls cluster again.
 */
export function llmInference(seed: number, name: string, options: InferenceOptions): InferenceTrace {
  const random = new TraceRandom(seed);
  const days = options.days ?? 6;
  const steps = Math.floor((days * DAY) / STEP);
  const sessionsPerSecond = 3 + 3 * random.uniform();
  const thinkSeconds = 40;
  const goOn = 0.8;
  const aliveSeconds = thinkSeconds / (1 - goOn);
  const blocks: Block[] = [];
  for (let t = random.exponential(DAY / options.batchesPerDay); t < days * DAY;) {
    const length = (20 + random.uniform() * 100) * MINUTE;
    blocks.push({ from: t, to: t + length, extra: 0.3 + 1.2 * random.uniform() });
    t += length + random.exponential(DAY / options.batchesPerDay);
  }
  const surges: Surge[] = [];
  for (let i = 0; i < options.surges; i++)
    surges.push({
      at: (0.5 + random.uniform() * (days - 1)) * DAY,
      rise: (15 + random.uniform() * 75) * MINUTE,
      hold: (0.5 + random.uniform() * 3) * HOUR,
      fall: (0.5 + random.uniform() * 1.5) * HOUR,
      size: Math.min(6, 1.5 + Math.exp(0.6 * random.normal())),
    });
  // The mean session load, for the batch blocks' size (requests/s): sessions/s × calls per session × the day's mean.
  const meanSessionLoad = (sessionsPerSecond * CALLS_PER_TURN * 0.55) / (1 - goOn);
  let alive = sessionsPerSecond * 0.12 * aliveSeconds;
  const decay = Math.exp(-STEP / aliveSeconds);
  const values: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t = i * STEP;
    const starts = random.poisson(sessionsPerSecond * businessDay(t) * surgeFactor(t, surges) * STEP);
    alive = alive * decay + starts;
    // A session alive takes a turn every think time; a new one takes its first at once.
    let turnRate = (alive - starts) / thinkSeconds + starts / STEP;
    // A batch job's calls (requests/s), counted in turns like the rest.
    for (const b of blocks) if (t >= b.from && t < b.to) turnRate += (b.extra * meanSessionLoad) / CALLS_PER_TURN;
    // Requests come in turns: an agent's turn fans out into a geometric number of calls (mean 3) at once.
    const turns = random.poisson(turnRate * STEP);
    values.push(callsOfTurns(random, turns));
  }
  const costSteps: PoolTrace['costSteps'] =
    options.cost === 'drift'
      ? Array.from({ length: Math.floor(days * 24) }, (_, h) => ({
          atSeconds: (h + 1) * HOUR,
          factor: Number((1 + (0.3 * (h + 1)) / Math.floor(days * 24)).toFixed(4)),
        }))
      : options.cost === 'faster'
        ? [{ atSeconds: Math.round(0.55 * days * DAY), factor: 0.7 }]
        : [];
  return {
    name,
    description:
      'LLM inference requests per 10 s: session shot-noise over a two-timezone business day, batch-eval blocks, slow viral surges; 2 s per request, 10 s SLO',
    stepSeconds: STEP,
    startSeconds: TUESDAY,
    values,
    startupSeconds: options.startupSeconds,
    costSteps,
    serviceRate: 0.5,
    sloSeconds: 10,
  };
}

/**
 * Calls of `turns` turns, each a geometric number (mean CALLS_PER_TURN, ≥ 1): drawn one by one for a few turns, by
 * the negative binomial's normal approximation beyond 30 (mean n·m, variance n·m·(m − 1)).
 */
function callsOfTurns(random: TraceRandom, turns: number): number {
  const m = CALLS_PER_TURN;
  if (turns > 30) return Math.max(turns, Math.round(turns * m + Math.sqrt(turns * m * (m - 1)) * random.normal()));
  let calls = 0;
  for (let k = 0; k < turns; k++) calls += 1 + Math.floor(Math.log(1 - random.uniform()) / Math.log(1 - 1 / m));
  return calls;
}

/** The fourth held-out family (issue 20, i20-cost3): never tuned on. */
export function llmInferenceTraces(): InferenceTrace[] {
  return [
    llmInference(707, 'chat-sessions-707', { startupSeconds: 180, batchesPerDay: 1, surges: 1, cost: 'drift' }),
    llmInference(717, 'chat-sessions-717', { startupSeconds: 90, batchesPerDay: 1, surges: 1, cost: 'none' }),
    llmInference(808, 'eval-batches-808', { startupSeconds: 240, batchesPerDay: 5, surges: 0, cost: 'faster' }),
    llmInference(909, 'viral-surges-909', { startupSeconds: 120, batchesPerDay: 0.5, surges: 3, cost: 'none' }),
  ];
}
