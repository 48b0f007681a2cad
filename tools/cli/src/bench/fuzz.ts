import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { runEdgeCases } from '../fuzz/edge-cases';
import { runFuzzCases, type FuzzTally } from '../fuzz/fuzz-run';
import { fuzzCases, ENDPOINTS, type FuzzCase, type FuzzService } from '../fuzz/payloads';

export interface FuzzBenchOptions {
  payloads: number;
  seed: number;
  concurrency: number;
  /** Stops sending after this long even if payloads remain (the run is bounded in count and time). */
  maxSeconds: number;
}

interface Heap {
  heapUsed: number;
  rss: number;
}

const MiB = 1024 * 1024;

/**
 * `swarmscope bench fuzz`: the known edge cases (fuzz/edge-cases.ts), then random and mutated payloads against every POST endpoint of the five services, run for real
 * in a child process (memory backends, free ports); counts 5xx, requests without an answer and crashes, and the
 * child's heap after a forced GC at start, after a warm-up tenth of the payloads, at the end, and after the refused
 * payloads are sent again (what refusals alone leave on the heap).
 */
export async function runFuzzBench(options: FuzzBenchOptions): Promise<void> {
  const child = fork(join(__dirname, '..', 'fuzz', 'fuzz-child.js'), [], {
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let crashed: string | undefined;
  child.once('exit', (code, signal) => (crashed ??= `exited (code ${code}, signal ${signal})`));
  try {
    const { urls } = await nextMessage<{ urls: Record<FuzzService, string> }>(child);
    const out = process.stdout;
    out.write(
      `fuzz: ${options.payloads} payloads (seed ${options.seed}) against ${ENDPOINTS.length} POST endpoints of 5 services, ${options.concurrency} in flight\n`,
    );
    // The known edge cases first (issue 21's table on every service): each has one right answer.
    const edges = await runEdgeCases(urls);
    out.write(`edge cases: ${edges.sent - edges.mismatches.length} of ${edges.sent} answered as expected\n`);
    for (const mismatch of edges.mismatches) out.write(`EDGE MISMATCH ${JSON.stringify(mismatch)}\n`);
    const heapStart = await heap(child);
    const deadline = Date.now() + options.maxSeconds * 1000;
    const cases = bounded(fuzzCases(options.seed, options.payloads, Date.now()), deadline);
    const warmUp = Math.max(1, Math.floor(options.payloads / 10));
    const started = Date.now();
    const progress = (sent: number) => out.write(`\r  ${sent} sent`);
    const refused = new RefusedCases(REFUSED_KEPT_BYTES);
    const first = await runFuzzCases(take(cases, warmUp), urls, options.concurrency, { onProgress: progress });
    const heapWarm = await heap(child);
    const rest = await runFuzzCases(cases, urls, options.concurrency, {
      onProgress: (sent) => progress(first.sent + sent),
      onAnswer: (c, status) => refused.offer(c, status),
    });
    const seconds = (Date.now() - started) / 1000;
    const heapEnd = await heap(child);
    // What refused payloads alone leave behind: the refused ones sent again, twice over, and the heap after.
    const replay = await runFuzzCases([...refused.cases, ...refused.cases], urls, options.concurrency);
    const heapReplayed = await heap(child);
    const tally = merge(first, rest);
    const serving = await Promise.all(Object.values(urls).map(async (url) => (await fetch(`${url}/healthz`)).ok));
    out.write('\n');
    console.table([
      {
        payloads: tally.sent,
        seconds: Math.round(seconds),
        'payloads/s': Math.round(tally.sent / seconds),
        '2xx': count(tally, '2'),
        '4xx': count(tally, '4'),
        '5xx': tally.fiveXx,
        'non-JSON accepted': tally.notJsonAccepted,
        'no answer': tally.noAnswer,
        crashes: crashed ? 1 : 0,
        'heap start MiB': (heapStart.heapUsed / MiB).toFixed(1),
        'heap after warm-up MiB': (heapWarm.heapUsed / MiB).toFixed(1),
        'heap end MiB': (heapEnd.heapUsed / MiB).toFixed(1),
        'heap after refused replay MiB': (heapReplayed.heapUsed / MiB).toFixed(1),
        'RSS end MiB': (heapReplayed.rss / MiB).toFixed(0),
        'all serving': serving.every(Boolean),
      },
    ]);
    out.write(
      `refused replay: ${replay.sent} refused payloads sent again (${refused.cases.length} kept, twice over; ${count(replay, '2')} accepted this time): heap ${(heapEnd.heapUsed / MiB).toFixed(1)} → ${(heapReplayed.heapUsed / MiB).toFixed(1)} MiB, ` +
        `so the growth over the run is what accepted payloads hold (agents, windows, detector state), not refusals\n`,
    );
    out.write('answers by status and code:\n');
    console.table(
      Object.fromEntries(
        Object.entries(tally.byStatus)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([status, n]) => [status, { answers: n }]),
      ),
    );
    if (tally.sent < options.payloads)
      out.write(`stopped at --max-seconds ${options.maxSeconds}: ${tally.sent} of ${options.payloads} sent\n`);
    for (const failure of [...tally.failures, ...replay.failures]) out.write(`FAILURE ${JSON.stringify(failure)}\n`);
    const wrong =
      tally.fiveXx + replay.fiveXx + tally.notJsonAccepted + replay.notJsonAccepted + edges.mismatches.length;
    if (wrong > 0 || tally.noAnswer + replay.noAnswer > 0 || crashed) process.exitCode = 1;
  } finally {
    if (!crashed) {
      child.send('stop');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  }
}

/** Refused payloads (4xx) kept for the replay, up to a byte budget. */
const REFUSED_KEPT_BYTES = 64 * MiB;

class RefusedCases {
  readonly cases: FuzzCase[] = [];
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  offer(c: FuzzCase, status: number): void {
    if (status < 400 || status >= 500 || this.bytes + c.body.length > this.maxBytes) return;
    this.cases.push(c);
    this.bytes += c.body.length;
  }
}

async function heap(child: ChildProcess): Promise<Heap> {
  const answer = nextMessage<Heap>(child);
  child.send('heap');
  return answer;
}

function nextMessage<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    const onExit = () => reject(new Error('the fuzzed platform exited'));
    child.once('exit', onExit);
    child.once('message', (message) => {
      child.off('exit', onExit);
      resolve(message as T);
    });
  });
}

function* bounded(cases: Iterator<FuzzCase>, deadline: number): Generator<FuzzCase> {
  for (let next = cases.next(); !next.done && Date.now() < deadline; next = cases.next()) yield next.value;
}

/** The next `n` cases of a shared iterator (the rest stay for the next run). */
function* take(cases: Iterator<FuzzCase>, n: number): Generator<FuzzCase> {
  for (let i = 0; i < n; i++) {
    const next = cases.next();
    if (next.done) return;
    yield next.value;
  }
}

function merge(a: FuzzTally, b: FuzzTally): FuzzTally {
  const byStatus = { ...a.byStatus };
  for (const [status, n] of Object.entries(b.byStatus)) byStatus[status] = (byStatus[status] ?? 0) + n;
  return {
    sent: a.sent + b.sent,
    byStatus,
    fiveXx: a.fiveXx + b.fiveXx,
    notJsonAccepted: a.notJsonAccepted + b.notJsonAccepted,
    noAnswer: a.noAnswer + b.noAnswer,
    failures: [...a.failures, ...b.failures].slice(0, 20),
  };
}

const count = (tally: FuzzTally, leading: string) =>
  Object.entries(tally.byStatus)
    .filter(([status]) => status.startsWith(leading))
    .reduce((sum, [, n]) => sum + n, 0);
