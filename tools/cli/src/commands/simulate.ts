import { randomInt } from 'node:crypto';
import { appendFileSync, writeFileSync } from 'node:fs';
import { createLogger, onShutdownSignal, secretFor, type RunningServer } from '@swarmscope/core';
import {
  DEFAULT_GENERATOR,
  Population,
  SCENARIO_NAMES,
  SimulationRunner,
  createScenario,
  expectedReportsPerSecond,
  isScenarioName,
  runRecord,
  scaleLine,
  startControlServer,
  truthLines,
  type GeneratorConfig,
  type RunStats,
} from '@swarmscope/simulator';
import { tracing } from '../instrumentation';
import { intFlag, numberFlag, parseFlags, UsageError } from '../args';

export const simulateUsage = `swarmscope simulate [--agents N] [--duration S] [--scenario NAME] [--load-test] [--target URL[,URL...]] [--seed K]
                    [--truth FILE] [--control-port P] [--day-seconds D] [--rate R] [--ramp S]
  Drives a running platform through the SDK with N simulated agents (default 1000) for S seconds (default 300):
  models with their own latency and tokens, a diurnal load, tool calls, errors, quality scores, and delegations
  along a graph of pools and hubs. Same --seed, same agents, same truth file.
  --scenario NAME    ${SCENARIO_NAMES.join(' | ')} (default baseline):
                       anomalies  latency spike, error surge, token spike, quality degradation, model drift,
                                  memory leak, silent agent
                       security   request flood on a pool and a port-scan sweep (risk high), exfiltration
                                  (medium), the rest (low)
                       emergence  synchronisation, phase transition after critical slowing down, cascade
                                  failure along the graph, collective learning
  --load-test        ramp to N agents over --ramp S (default a quarter of the run, at most 60 s), hold, and
                     report the rates achieved; flat load unless --day-seconds is given
  --target URL       the health-monitor (default http://127.0.0.1:8080); API_KEYS' first key that may ingest authenticates;
                     several comma-separated replicas: each agent reports to one of them, always the same
  --seed K           whole number; default random (printed, to replay the run)
  --truth FILE       write the ground truth as JSON Lines: a run line, one line per injection (and per scaling)
  --control-port P   serve GET /pools and POST /pools/:pool/scale {"replicas": n} on port P (interface: HOST, default 127.0.0.1)
                     (with API_KEYS set, scaling needs an admin one as a bearer key)
  --day-seconds D    length of a simulated day (default 86400: real time; 600 fits a day in 10 minutes)
  --rate R           mean requests per agent per second over the day (default 1)`;

const number = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const percent = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1, minimumFractionDigits: 1 });

/** `swarmscope simulate`: a simulated fleet (with a scenario and its ground truth) against a running platform. */
export async function simulate(argv: readonly string[]): Promise<void> {
  const { values } = parseFlags(argv, {
    agents: { type: 'string' },
    duration: { type: 'string' },
    scenario: { type: 'string' },
    'load-test': { type: 'boolean', default: false },
    target: { type: 'string' },
    seed: { type: 'string' },
    truth: { type: 'string' },
    'control-port': { type: 'string' },
    'day-seconds': { type: 'string' },
    rate: { type: 'string' },
    ramp: { type: 'string' },
  });
  const agents = intFlag(values.agents, 'agents', 1, 1_000_000, 1000);
  const duration = intFlag(values.duration, 'duration', 1, 365 * 86_400, 300);
  const scenarioName = typeof values.scenario === 'string' ? values.scenario : 'baseline';
  if (!isScenarioName(scenarioName))
    throw new UsageError(
      `--scenario: must be one of ${SCENARIO_NAMES.join(', ')} (got ${JSON.stringify(scenarioName)})`,
    );
  const loadTest = values['load-test'] === true;
  const targets = (
    typeof values.target === 'string'
      ? values.target
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean)
      : [undefined]
  ).map((t) => urlFlag(t, 'target', 'http://127.0.0.1:8080'));
  const target = targets.join(', ');
  const seed = intFlag(values.seed, 'seed', 0, 2 ** 32 - 1, randomInt(0, 2 ** 31));
  const truthFile = stringFlag(values.truth, 'truth');
  const controlPort =
    values['control-port'] === undefined ? undefined : intFlag(values['control-port'], 'control-port', 0, 65_535, 0);
  const daySeconds = intFlag(values['day-seconds'], 'day-seconds', 60, 86_400 * 365, loadTest ? 0 : 86_400);
  const rate = numberFlag(values.rate, 'rate', 0.001, 1000, 1);
  const ramp = intFlag(values.ramp, 'ramp', 1, duration, Math.max(1, Math.min(60, Math.floor(duration / 4))));
  const apiKeys = (process.env.API_KEYS ?? '')
    .split(',')
    .map((key) => key.trim())
    .filter(Boolean);
  const ingestKey = secretFor(apiKeys, 'ingest');

  const out = process.stdout;
  const live = Boolean(out.isTTY);
  const startEpochMs = Date.now();
  const config: GeneratorConfig = { ...DEFAULT_GENERATOR, seed, startEpochMs, daySeconds, requestsPerSecond: rate };
  const population = Population.build({ agents, seed, ...(loadTest ? { rampMs: ramp * 1000 } : {}) });
  const scenario = createScenario(scenarioName, { population, seed, durationSeconds: duration, startEpochMs });
  if (truthFile)
    writeFileSync(
      truthFile,
      truthLines(runRecord({ scenario, population, config, durationSeconds: duration, loadTest }), scenario.truth),
    );

  const runner = new SimulationRunner({
    endpoint: targets,
    ...(ingestKey ? { apiKey: ingestKey } : {}),
    population,
    scenario,
    config,
    durationMs: duration * 1000,
    onScale: (record) => {
      if (truthFile) appendFileSync(truthFile, scaleLine(record));
      out.write(
        `${live ? '\r\x1b[2K' : ''}scaled ${record.pool}: ${number.format(record.previous)} → ${number.format(record.replicas)} agents at ${clock(record.atSeconds)}\n`,
      );
    },
  });
  const logger = createLogger({
    name: 'simulator',
    level: process.env.LOG_LEVEL ?? 'warn',
    destination: process.stderr,
  });
  let control: RunningServer | undefined;
  if (controlPort !== undefined)
    control = await startControlServer(runner, {
      port: controlPort,
      apiKeys,
      logger,
      ...(process.env.HOST ? { host: process.env.HOST } : {}),
    });

  const reachable = (await Promise.all(targets.map(answers))).every(Boolean);
  out.write(
    [
      `Simulating ${number.format(agents)} agents for ${duration} s: scenario ${scenario.name}, seed ${seed}${loadTest ? `, load test (ramp ${ramp} s)` : ''}`,
      `  target          ${target}${reachable ? '' : `   (not answering yet: reports wait in the SDK's queue and are retried)`}`,
      ...(scenario.truth.length ? [`  injections      ${scenario.truth.length} planned`] : []),
      ...(truthFile ? [`  truth           ${truthFile}`] : []),
      ...(control ? [`  control         ${control.url}   (GET /pools · POST /pools/:pool/scale)`] : []),
      `  load            ${rate} requests/agent/s${daySeconds ? `, a day every ${daySeconds} s` : ', flat'}`,
      '',
    ].join('\n'),
  );

  runner.start();
  const startedAt = Date.now();
  let previous = { at: startedAt, sent: 0, interactions: 0 };
  let ticks = 0;
  let holdFrom: { at: number; sent: number } | undefined;
  // The load test's target: what the live agents should produce, averaged over the hold (scaling changes it).
  let targetSum = 0;
  let targetSamples = 0;
  const progress = setInterval(() => {
    ticks++;
    const now = Date.now();
    const stats = runner.stats();
    const seconds = (now - previous.at) / 1000;
    const line = progressLine(
      stats,
      (stats.reports.sent - previous.sent) / seconds,
      (stats.interactions.sent - previous.interactions) / seconds,
      duration,
    );
    previous = { at: now, sent: stats.reports.sent, interactions: stats.interactions.sent };
    if (loadTest && !holdFrom && stats.elapsedMs >= ramp * 1000) holdFrom = { at: now, sent: stats.reports.sent };
    if (holdFrom) {
      targetSum += expectedReportsPerSecond(population, config, stats.elapsedMs / 1000);
      targetSamples++;
    }
    if (live) out.write(`\r\x1b[2K${line}`);
    else if (ticks % 10 === 0) out.write(`${line}\n`);
  }, 1000);

  let stopped: Promise<void> | undefined;
  const stop = (reason: string) =>
    (stopped ??= (async () => {
      clearInterval(progress);
      const heldUntil = { at: Date.now(), sent: runner.stats().reports.sent };
      if (live) out.write('\n');
      out.write(`stopping (${reason}): flushing the SDK's queue...\n`);
      const final = await runner.stop();
      await control?.close();
      out.write(summary(final, (Date.now() - startedAt) / 1000, truthFile, scenario.truth.length));
      if (loadTest) {
        const targetRate = targetSamples
          ? targetSum / targetSamples
          : expectedReportsPerSecond(population, config, duration);
        const held =
          holdFrom && heldUntil.at > holdFrom.at
            ? {
                seconds: (heldUntil.at - holdFrom.at) / 1000,
                rate: (heldUntil.sent - holdFrom.sent) / ((heldUntil.at - holdFrom.at) / 1000),
              }
            : undefined;
        out.write(
          held
            ? `  load test     ramped to ${number.format(agents)} agents in ${ramp} s, held ${held.seconds.toFixed(0)} s: target ${number.format(targetRate)} reports/s, achieved ${number.format(held.rate)} reports/s (${percent.format((100 * held.rate) / targetRate)} %)\n`
            : `  load test     stopped before the ramp ended (${ramp} s): no hold phase to measure\n`,
        );
      }
      await tracing.shutdown();
      logger.flush();
      if (final.reportsGenerated > 0 && final.reports.sent === 0) {
        out.write(`nothing reached ${target}${final.reports.lastError ? `: ${final.reports.lastError}` : ''}\n`);
        process.exitCode = 1;
      }
    })());

  const removeSignals = onShutdownSignal((signal) => stop(signal), logger);
  await runner.done;
  removeSignals();
  await stop(`--duration ${duration} s`);
  process.exit(process.exitCode ?? 0);
}

function progressLine(
  stats: RunStats,
  reportsPerSecond: number,
  interactionsPerSecond: number,
  duration: number,
): string {
  const elapsed = stats.elapsedMs / 1000;
  return [
    `agents ${number.format(stats.agents)}`,
    `${number.format(reportsPerSecond)} reports/s`,
    `${number.format(interactionsPerSecond)} interactions/s`,
    `errors ${stats.requests ? percent.format((100 * stats.errors) / stats.requests) : '0.0'} %`,
    `sent ${number.format(stats.reports.sent)}`,
    `rejected ${number.format(stats.reports.rejected)}`,
    `dropped ${number.format(stats.reports.dropped)}`,
    `${clock(elapsed)} elapsed, ${clock(Math.max(0, duration - elapsed))} left`,
  ].join(' · ');
}

function summary(stats: RunStats, wallSeconds: number, truthFile: string | undefined, injections: number): string {
  const r = stats.reports;
  const i = stats.interactions;
  const perSecond = (n: number) => number.format(n / Math.max(wallSeconds, 0.001));
  return [
    `simulated ${clock(stats.elapsedMs / 1000)} with ${number.format(stats.agents)} agents (${wallSeconds.toFixed(1)} s of wall time)`,
    `  reports       generated ${number.format(stats.reportsGenerated)} · sent ${number.format(r.sent)} · rejected ${number.format(r.rejected)} · dropped ${number.format(r.dropped)} · ${perSecond(r.sent)} sent/s`,
    `  interactions  generated ${number.format(stats.interactionsGenerated)} · sent ${number.format(i.sent)} · rejected ${number.format(i.rejected)} · dropped ${number.format(i.dropped)} · ${perSecond(i.sent)} sent/s`,
    `  requests      ${number.format(stats.requests)} simulated, ${stats.requests ? percent.format((100 * stats.errors) / stats.requests) : '0.0'} % errors${stats.skippedTicks ? ` · ${number.format(stats.skippedTicks)} ticks skipped (generation fell behind the clock)` : ''}`,
    ...(r.lastError && (r.rejected || r.dropped) ? [`  last error    ${r.lastError}`] : []),
    ...(truthFile ? [`  truth         ${truthFile} (${injections} injections)`] : []),
    '',
  ].join('\n');
}

function clock(seconds: number): string {
  const s = Math.floor(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

/** Whether the target answers at all (any HTTP status) within 2 s. */
async function answers(target: string): Promise<boolean> {
  try {
    await fetch(new URL('/healthz', target), { signal: AbortSignal.timeout(2000) });
    return true;
  } catch {
    return false;
  }
}

function stringFlag(value: string | boolean | undefined, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name}: needs a value`);
  return value;
}

function urlFlag(value: string | boolean | undefined, name: string, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string') throw new UsageError(`--${name}: needs a value`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--${name}: must be an http(s) URL (got ${JSON.stringify(value)})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`--${name}: must be an http(s) URL (got ${JSON.stringify(value)})`);
  return value;
}
