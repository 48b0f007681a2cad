import { intFlag, numberFlag, parseFlags, UsageError, type ParsedFlags } from '../args';
import { runIngestBench } from '../bench/ingest';
import { runOtlpBench } from '../bench/otlp';
import { runAgentMemoryBench } from '../bench/memory';
import { runSdkOverheadBench } from '../bench/sdk-overhead';
import { runInGcChild } from '../bench/gc-child';
import { runSimulatorScaleBench } from '../bench/simulator-scale';
import { runAnomaliesBench } from '../bench/anomalies';
import { runDetectionLatencyBench } from '../bench/detection-latency';
import { runEmergenceBench } from '../bench/emergence';
import type { GraphShape } from '../bench/emergence-tick';
import { AUTOSCALER_SETS, runAutoscalerBench, type AutoscalerSet } from '../bench/autoscaler';
import { runPlatformDownBench } from '../bench/platform-down';
import { runIncidentBench } from '../bench/incidents';
import { latencyTrend, runSoakBench, summariseSoak } from '../bench/soak';
import { runScaleOutBench } from '../bench/scale-out';
import { runConsoleBench } from '../bench/console';
import { NabBenchError, printNabBench, runNabBench } from '../bench/nab';
import { HISTORY_READ_RUNS, runHistoryBench, type Timing as HistoryTiming } from '../bench/history';
import type { DetectorBenchResult, StateBenchResult } from '@swarmscope/anomaly-detector';
import { DEFAULT_BATCH_SIZE } from '@swarmscope/telemetry-client';

type Values = ParsedFlags['values'];

/** Every benchmark, in the order `swarmscope bench` runs them; each prints its own figures. */
const BENCHMARKS: Record<string, { usage: string; run(values: Values): void | Promise<void> }> = {
  ingest: {
    usage: `ingest [--mode embedded|redis|both] [--seconds S] [--agents N[,N...]] [--batch B] [--concurrency C] [--tools T] [--profile DIR] [--baseline MAIN_JS] [--no-victoria] [--platform]
    posts pre-encoded batches to a health-monitor in a child process over loopback (its in-memory mode; --mode redis:
    a redis-server it starts unless REDIS_URL is set), then the same samples to VictoriaMetrics' import API when it
    is installed (victoria-metrics on the PATH or VICTORIA_METRICS_BIN); per fleet size: samples/s, the ratio to
    VictoriaMetrics, the server's CPU µs per accepted sample and that ratio to VictoriaMetrics', p50/p99 batch latency,
    refused batches, RSS bytes per agent. --profile DIR: a CPU profile of each
    health-monitor run. --baseline MAIN_JS: another build's services/health-monitor/dist/main.js (e.g. main's) run
    first on the same load, for before/after in one run. --tools T: each request report also names T tools. Defaults: embedded, 10 s a run, 10,000
    and 100,000 agents, 5,000 reports a batch, 4 in flight, no tools. --platform: the whole embedded platform
    (swarmscope start --no-fleet, every detector reading the bus) instead of health-monitor alone, and also what it
    analysed: samples/s until the anomaly-detector has read every accepted sample, its detection latency p50/p99, RSS
    (--baseline is then another build's tools/cli/dist/main.js; --profile profiles the platform process).`,
    async run(values) {
      const mode = values.mode ?? 'embedded';
      if (mode !== 'embedded' && mode !== 'redis' && mode !== 'both')
        throw new UsageError('--mode: must be embedded, redis or both');
      const agents =
        typeof values.agents === 'string'
          ? values.agents.split(',').map((n) => intFlag(n, 'agents', 1, 1_000_000, 0))
          : [10_000, 100_000];
      if (values.profile === true) throw new UsageError('--profile: needs a directory');
      await runIngestBench({
        mode,
        seconds: intFlag(values.seconds, 'seconds', 1, 3600, 10),
        agents,
        batch: intFlag(values.batch, 'batch', 1, 100_000, 5000),
        concurrency: intFlag(values.concurrency, 'concurrency', 1, 256, 4),
        tools: intFlag(values.tools, 'tools', 0, 32, 0),
        profileDir: typeof values.profile === 'string' ? values.profile : undefined,
        victoria: values.victoria !== false,
        baseline: typeof values.baseline === 'string' ? values.baseline : undefined,
        platform: values.platform === true,
      });
    },
  },
  otlp: {
    usage: `otlp [--seconds S] [--agents N] [--batch B] [--concurrency C]
    spans/s a health-monitor (child process) accepts from OTLP/HTTP protobuf against reports/s on /v1/ingest
    carrying the same requests (the two take turns, three slices each), p50/p99 body latency of each, and the
    span-id index's heap bytes per entry. Defaults: 12 s a path, 10,000 agents, 1,000 requests a body, 4 in flight.`,
    run: (values) =>
      runOtlpBench({
        seconds: intFlag(values.seconds, 'seconds', 3, 3600, 12),
        agents: intFlag(values.agents, 'agents', 1, 1_000_000, 10_000),
        batch: intFlag(values.batch, 'batch', 1, 5000, 1000),
        concurrency: intFlag(values.concurrency, 'concurrency', 1, 256, 4),
      }),
  },
  memory: {
    usage: `memory [--agents N]
    heap bytes per tracked agent after a forced GC, without and with latency windows, and at steady state (the ingest
    bench's reports through POST /v1/ingest, 40 an agent in one open window) (default 100,000 agents).`,
    run: (values) => runAgentMemoryBench(intFlag(values.agents, 'agents', 1000, 10_000_000, 100_000)),
  },
  sdk: {
    usage: `sdk [--agents N] [--seconds S]
    the telemetry-client's cost: fleet.record(), trackRequest() and recordToolCall() per call, and the CPU of N agents (default
    10,000) reporting once a second for S seconds (default 10) to a real health-monitor in a child process.`,
    async run(values) {
      const agents = intFlag(values.agents, 'agents', 1, 1_000_000, 10_000);
      const seconds = intFlag(values.seconds, 'seconds', 1, 3600, 10);
      const r = await runSdkOverheadBench({ agents, seconds });
      process.stdout.write(`\nsdk: ${agents} agents reporting once a second for ${seconds} s\n`);
      console.table([
        {
          'record() median ns': Math.round(r.recordMedianNs),
          'record() p99 ns': Math.round(r.recordP99Ns),
          'trackRequest() median ns': Math.round(r.trackRequestMedianNs),
          'recordToolCall() median ns': Math.round(r.recordToolCallMedianNs),
          'CPU (fraction of 1 core)': r.cpuFractionOf1Core.toFixed(3),
          'reports sent': r.reportsSent,
          dropped: r.dropped,
        },
      ]);
    },
  },
  simulator: {
    usage: `simulator [--seconds S]
    the simulator (generator + SDK Fleet) against a health-monitor in a child process at 10k, 25k, 50k and 100k
    agents: target vs acknowledged reports/s, the simulator's CPU, drops. Default 30 s a step.`,
    async run(values) {
      const rows = await runSimulatorScaleBench({ seconds: intFlag(values.seconds, 'seconds', 5, 3600, 30) });
      process.stdout.write('\nsimulator: 1 request per agent per second, a fresh embedded health-monitor per step\n');
      console.table(
        rows.map((r) => ({
          agents: r.agents,
          'target reports/s': Math.round(r.targetRate),
          'acknowledged reports/s': Math.round(r.reportsPerSecond),
          'simulator CPU (1 core)': r.cpuFractionOf1Core.toFixed(2),
          dropped: r.dropped,
        })),
      );
    },
  },
  detector: {
    usage: `detector
    the anomaly detector's default ensemble: ns per sample (median, p99) and bytes per stream after a GC.`,
    async run() {
      const r = await runInGcChild<DetectorBenchResult>('detector-child.js');
      process.stdout.write(
        '\ndetector: default ensemble on a synthetic 5-minute metric (daily cycle, noise, spikes, shifts)\n',
      );
      console.table([
        {
          'ns / sample (median)': Math.round(r.medianNsPerSample),
          'ns / sample (p99)': Math.round(r.p99NsPerSample),
          'bytes / stream': Math.round(r.bytesPerStream),
          'measured on the heap': r.measured,
        },
      ]);
    },
  },
  'anomaly-state': {
    usage: `anomaly-state [--agents N] [--reports R]
    what one agent costs the anomaly engine (in a node --expose-gc child, the service's detector defaults): CPU ms per
    new agent (its first report builds its detectors), heap bytes per agent after that report and at steady state
    (R reports each: every window full, the forest trained), CPU µs per report at steady state, and the engine's own
    count by detector. A synthetic fleetgen-shaped fleet (request reports a second, resource reports every 15 s).
    Defaults: 500 agents, 1,500 reports.`,
    async run(values) {
      const agents = intFlag(values.agents, 'agents', 10, 1_000_000, 500);
      const reports = intFlag(values.reports, 'reports', 1, 100_000, 1500);
      const r = await runInGcChild<StateBenchResult>('anomaly-state-child.js', [String(agents), String(reports)]);
      process.stdout.write(
        `\nanomaly-state: ${agents} agents, ${reports} request reports each (heap + buffers after GC)\n`,
      );
      console.table([
        {
          'CPU ms / new agent': r.cpuMsPerNewAgent.toFixed(3),
          'bytes / agent after 1 report': Math.round(r.bytesPerNewAgent),
          'bytes / agent at steady state': Math.round(r.bytesPerAgent),
          'engine-counted bytes / agent': Math.round(r.stateBytesPerAgent),
          'CPU µs / report': r.cpuMicrosPerReport.toFixed(1),
        },
      ]);
      console.table(r.parts.map((p) => ({ part: p.part, 'bytes / agent': Math.round(p.bytes) })));
    },
  },
  nab: {
    usage: `nab [--nab-dir DIR] [--seed S]
    the univariate ensemble's generalisation, every score by NAB's scorer (DIR: data/, labels/, score.py; default
    ../shared/nab): leave-one-category-out over the pre-declared candidate configurations (for each category, the
    candidate and threshold best on the other three, scored on it; then all categories pooled), and a generated
    corpus of other shapes (seeds S, S+1, S+2; default 1) scored at the threshold chosen on all of NAB. 1–2 minutes.`,
    run(values) {
      const dir = values['nab-dir'] ?? '../shared/nab';
      if (typeof dir !== 'string' || dir === '') throw new UsageError('--nab-dir: needs a path');
      const seed = intFlag(values.seed, 'seed', 0, 2 ** 31, 1);
      try {
        printNabBench(runNabBench({ nabDir: dir, seed }));
      } catch (error) {
        if (!(error instanceof NabBenchError)) throw error;
        process.stderr.write(`swarmscope bench nab: ${error.message}\n`);
        process.exitCode = 1;
      }
    },
  },
  anomalies: {
    usage: `anomalies [--agents N] [--sim-agents N] [--hours H] [--seed S] [--generator both|simulator|fleetgen|bursty] [--hold S] [--no-emergence]
    both generators — the simulator's anomalies scenario (and its baseline) and fleetgen's fleet with planted
    faults (and the same fleet fault-free) — replayed in data time through the anomaly engine at the service's
    defaults, the emergence engine and the incidents correlator: recall with the right type and median / p90
    detection delay by fault type, false alarms per agent-day on the fault-free run (all and by type), incident
    purity (faults landing in an incident of their agents, Jaccard ≥ 0.8; incidents of one pool's agents that
    no fault of their time explains, as in bench incidents), and what fleetgen's load-test pool stopping raised. Defaults: fleetgen 400 agents,
    simulator 100 agents (1 request per agent and second), 2 hours, seed 1, both. \`--generator bursty\`: fleetgen's
    third shape (cron batches, request-only slow agents, Student-t latency; --agents of them, default 240), held out.
    \`--hold S\`: the engine's longest hold (ANOMALY_HOLD_SECONDS; default the service's, 120).`,
    run(values) {
      const generator = values.generator ?? 'both';
      if (generator !== 'both' && generator !== 'simulator' && generator !== 'fleetgen' && generator !== 'bursty')
        throw new UsageError('--generator: must be both, simulator, fleetgen or bursty');
      runAnomaliesBench({
        agents: intFlag(values.agents, 'agents', 20, 100_000, generator === 'bursty' ? 240 : 400),
        simulatorAgents: intFlag(values['sim-agents'], 'sim-agents', 10, 100_000, 100),
        hours: numberFlag(values.hours, 'hours', 1, 48, 2),
        seed: intFlag(values.seed, 'seed', 0, 2 ** 31, 1),
        generators: generator === 'both' ? ['simulator', 'fleetgen'] : [generator],
        emergence: values.emergence !== false,
        holdSeconds: values.hold === undefined ? undefined : intFlag(values.hold, 'hold', 0, 3600, 120),
      });
    },
  },
  'detection-latency': {
    usage: `detection-latency [--agents N] [--seconds S] [--warmup S] [--rate SAMPLES_PER_S] [--batch B]
    the embedded platform in a child process fed a paced load over loopback (default 100,000 samples/s from 10,000
    agents, the SDK's default of 256 reports a request, 40 s of warm-up then 30 s measured): share of reports scored within 10 ms of
    being accepted, p50/p99 from the detector's histogram, in steady state and over the warm-up.`,
    async run(values) {
      const r = await runDetectionLatencyBench({
        agents: intFlag(values.agents, 'agents', 100, 1_000_000, 10_000),
        seconds: intFlag(values.seconds, 'seconds', 5, 3600, 30),
        warmupSeconds: intFlag(values.warmup, 'warmup', 0, 3600, 40),
        samplesPerSecond: intFlag(values.rate, 'rate', 1000, 10_000_000, 100_000),
        batch: intFlag(values.batch, 'batch', 1, 5000, DEFAULT_BATCH_SIZE),
      });
      process.stdout.write(
        '\ndetection latency: sample accepted by health-monitor → verdict in anomaly-detector (bus included)\n',
      );
      console.table([
        {
          'samples/s acknowledged': Math.round(r.samplesPerSecond),
          'reports scored': r.reportsScored,
          'within 10 ms': `${(r.within10Ms * 100).toFixed(2)} %`,
          'p50 ms': r.p50Ms.toFixed(2),
          'p99 ms': r.p99Ms.toFixed(2),
          'rejected batches': r.rejectedBatches,
        },
      ]);
      if (r.warmup)
        process.stdout.write(
          `warm-up (first sight of every agent): ${r.warmup.reportsScored} reports, p50 ${r.warmup.p50Ms.toFixed(2)} ms, p99 ${r.warmup.p99Ms.toFixed(2)} ms\n`,
        );
    },
  },
  soak: {
    usage: `soak [--seconds S] [--interval S] [--warmup S] [--agents N] [--rate SAMPLES_PER_S] [--batch B]
    distributed mode for a long run: a redis-server (or REDIS_URL) and the five services as their own processes, fed
    a paced load (default 100,000 samples/s from 10,000 agents for 3,600 s after 1,200 s of warm-up: RSS grows until
    every window of fixed size is full, the longest being the anomaly-detector's output-drift reference of 1,300
    reports, ≈ 20 minutes at a report every 0.9 s; the emergence detector's 60 ticks fill in 10); every interval
    (default 60 s) the RSS and longest event-loop stall of each service and the detector's p99, then RSS growth.`,
    async run(values) {
      const curve = await runSoakBench({
        seconds: intFlag(values.seconds, 'seconds', 10, 86_400, 3600),
        intervalSeconds: intFlag(values.interval, 'interval', 5, 3600, 60),
        warmupSeconds: intFlag(values.warmup, 'warmup', 0, 3600, 1200),
        agents: intFlag(values.agents, 'agents', 100, 1_000_000, 10_000),
        samplesPerSecond: intFlag(values.rate, 'rate', 1000, 10_000_000, 100_000),
        batch: intFlag(values.batch, 'batch', 1, 5000, DEFAULT_BATCH_SIZE),
      });
      process.stdout.write(
        '\nsoak: the curve (services: health-monitor / anomaly-detector / emergence-detector / autoscaler / incidents)\n',
      );
      console.table(
        curve.map((p) => ({
          s: p.atSeconds,
          'samples/s': Math.round(p.samplesPerSecond),
          'detection p99 ms': p.detectionP99Ms.toFixed(1),
          'RSS MiB': Object.values(p.rssMiB)
            .map((v) => v.toFixed(0))
            .join(' / '),
          'max stall ms': Object.values(p.stallMs)
            .map((v) => v.toFixed(0))
            .join(' / '),
        })),
      );
      console.table(summariseSoak(curve));
      const trend = latencyTrend(curve);
      process.stdout.write(
        `soak: detection p99, median of the first half ${trend.firstHalfMedianMs.toFixed(1)} ms, of the second half ${trend.secondHalfMedianMs.toFixed(1)} ms; least-squares slope ${trend.slopeMsPerHour.toFixed(1)} ms per hour\n`,
      );
    },
  },
  emergence: {
    usage: `emergence [--agents N] [--seconds S] [--seed S] [--edges E] [--mode all|truth|fleetgen|loop|tick]
    [--shape random|scale-free|both] [--ticks K] [--max-seconds T]
    the emergence detector against the simulator's ground truth: the emergence scenario replayed in data time
    (detected, delay from onset, type, Jaccard of agents, early-warning lead), then 30 minutes of baseline (events
    raised: target 0) and the analysis cost per tick; then the scenario through the service edge, its analysis on
    the engine thread: the longest slice the detector holds the event loop; then the cost of a tick on a synthetic
    fleet of N agents with an E-edge graph, random and scale-free; and (--mode fleetgen) the second generator's
    400-agent fleets, one phenomenon each (synchronisation at 35–160 s and at 4–10 min, cascade, phase transition,
    collective learning) and a null hour, seeds 1 and 2: detected, type, delay, Jaccard, events of another type,
    false events, early warnings followed or not (--mode truth, fleetgen, loop or tick: one part only). The tick
    part fills the horizon, then times K ticks per graph shape, stopping at the first tick past T seconds of wall
    time per shape (it says how many it timed).
    Defaults: 10,000 agents, 900 s, seeds 1 and 2, 50,000 edges, all; both shapes, 120 ticks, 1,800 s.`,
    async run(values) {
      await runEmergenceBench({
        agents: intFlag(values.agents, 'agents', 100, 1_000_000, 10_000),
        seconds: intFlag(values.seconds, 'seconds', 300, 86_400, 900),
        baselineSeconds: 1800,
        seeds: values.seed ? [intFlag(values.seed, 'seed', 0, 2 ** 31, 1)] : [1, 2],
        edges: intFlag(values.edges, 'edges', 0, 10_000_000, 50_000),
        parts: emergenceParts(values.mode),
        tick: {
          shapes: tickShapes(values.shape),
          timedTicks: intFlag(values.ticks, 'ticks', 1, 100_000, 120),
          maxSeconds: intFlag(values['max-seconds'], 'max-seconds', 1, 86_400, 1800),
        },
      });
    },
  },
  'scale-out': {
    usage: `scale-out [--agents N] [--seconds S] [--seed K] [--rate R] [--scenario anomalies+emergence|anomalies|emergence]
    the single process (swarmscope start, memory bus) first, alone, then the distributed platform on a Redis Cluster
    it starts (3 masters + 3 replicas from redis-server; health-monitor ×2, anomaly-detector ×2, emergence-detector,
    autoscaler as processes), alone, each fed the same seeded scenario through the SDK (the cluster's through both
    health-monitors) on the same 10 s grid of data time with a flat load: reports acknowledged and dropped (a
    comparison is valid only when neither side dropped), every anomaly as (agent, type) with the injected ones and
    the symmetric difference, emergence events (type, scope, start within a 2 s tick), and the emergence detector's
    per-tick fleet snapshots. The default scenario composes anomalies and emergence, so one run per side shows both.
    Defaults: 10,000 agents, 0.15 requests/agent/s (≈ 2,600 reports/s with the resource reports: what one process
    doing ingest and detection sustains on a shared 2-core machine), 150 s, seed 7; about 6 minutes in all.`,
    run: (values) => {
      const scenario = values.scenario ?? 'anomalies+emergence';
      if (scenario !== 'anomalies+emergence' && scenario !== 'anomalies' && scenario !== 'emergence')
        throw new UsageError('--scenario: must be anomalies+emergence, anomalies or emergence');
      return runScaleOutBench({
        agents: intFlag(values.agents, 'agents', 10, 1_000_000, 10_000),
        seconds: intFlag(values.seconds, 'seconds', 10, 3600, 150),
        seed: intFlag(values.seed, 'seed', 0, 2 ** 31, 7),
        rate: numberFlag(values.rate, 'rate', 0.01, 100, 0.15),
        scenario,
      });
    },
  },
  autoscaler: {
    usage: `autoscaler [--trace FILE.csv] [--mean-rps R] [--interpolate] [--service-rate MU] [--slo S] [--startup S] [--days D] [--seed S] [--nab DIR] [--sets LIST] [--violation-minute-usd USD]
    replays load traces through a pool model (M/M/c replicas at MU rps each, default 5; a start-up delay, default
    120 s; a minute's p95 against the SLO, default 1 s) under the Kubernetes HPA, the combined policy and an oracle
    that knows the load: SLO-violation minutes, replica-hours, ratio to the oracle, decision time. --trace: one CSV
    (columns timestamp,value; value = load in rps, or scaled with --mean-rps; --interpolate: linear between points).
    Without it: the seeded traces (D days, default 3, seed 42) and the held-out ones (fleetgen, NAB traffic series
    under DIR, default /work/shared/nab/data) scaled to a mean of R (default 100) rps, then decision time through
    the simulator control endpoint. --sets: a comma list of seeded, fleetgen, heavy-tails (fleetgen's second,
    Pareto ON/OFF family), pool-shifts (its third: each trace brings its pool's start-up delay, 30 s to 5 min, and
    may step a request's cost), llm-inference (its fourth: slow replicas, 0.5 rps each, a 10 s SLO, agent sessions,
    batch-eval blocks, slow surges, a drifting request cost), nab (default all). --violation-minute-usd: the combined policy's price of an
    SLO-violation minute (default the policy's).`,
    async run(values) {
      await runAutoscalerBench({
        ...(typeof values.trace === 'string' ? { trace: values.trace } : {}),
        ...(values['mean-rps'] !== undefined || values.trace === undefined
          ? { meanRps: numberFlag(values['mean-rps'], 'mean-rps', 0.001, 1e7, 100) }
          : {}),
        interpolate: values.interpolate === true,
        pool: {
          serviceRate: numberFlag(values['service-rate'], 'service-rate', 1e-4, 1e6, 5),
          sloSeconds: numberFlag(values.slo, 'slo', 1e-3, 86_400, 1),
          startupSeconds: numberFlag(values.startup, 'startup', 0, 86_400, 120),
        },
        days: intFlag(values.days, 'days', 1, 14, 3),
        seed: intFlag(values.seed, 'seed', 0, 2 ** 31, 42),
        nab: typeof values.nab === 'string' ? values.nab : '/work/shared/nab/data',
        decisions: values.trace === undefined ? 200 : 0,
        sets: setsFlag(values.sets),
        ...(values['violation-minute-usd'] !== undefined
          ? { sloViolationMinuteUsd: numberFlag(values['violation-minute-usd'], 'violation-minute-usd', 0, 1e6, 1) }
          : {}),
      });
    },
  },
  fuzz: {
    usage: `fuzz [--payloads N] [--seed S] [--concurrency C] [--max-seconds T]
    the known edge cases (one right answer each), then random and mutated payloads against every POST endpoint of
    the five services (a child process, memory backends): answers by status, 5xx, non-JSON bodies accepted,
    requests without an answer, crashes, heap after a forced GC at start, after a warm-up tenth and at the end.
    Fails when any edge case is answered wrongly, any 5xx, non-JSON body accepted, unanswered request or crash. Default 100,000 payloads,
    seed 1, 16 in flight, at most 1800 s.`,
    // Loaded here only: fast-check builds its arbitraries when the fuzz module loads (≈ 1 s of CPU at every CLI start).
    run: async (values) =>
      (await import('../bench/fuzz.js')).runFuzzBench({
        payloads: intFlag(values.payloads, 'payloads', 1, 10_000_000, 100_000),
        seed: intFlag(values.seed, 'seed', 0, 2 ** 31 - 1, 1),
        concurrency: intFlag(values.concurrency, 'concurrency', 1, 256, 16),
        maxSeconds: intFlag(values['max-seconds'], 'max-seconds', 1, 86_400, 1800),
      }),
  },
  'platform-down': {
    usage: `platform-down [--agents N] [--seconds DOWN]
    a simulated fleet (SDK, 1 request per agent per second) reporting to a real health-monitor process that is
    killed for DOWN seconds (default 180) after 30 s up, then restarted on the same port: the SDK's heap after GC
    and its counters over time, when reporting resumed, the final balance. Default 10,000 agents.`,
    run: (values) =>
      runPlatformDownBench({
        agents: intFlag(values.agents, 'agents', 1, 1_000_000, 10_000),
        upSeconds: 30,
        downSeconds: intFlag(values.seconds, 'seconds', 1, 3600, 180),
      }),
  },
  incidents: {
    usage: `incidents [--agents N] [--hours H] [--seconds S] [--seed S]
    incidents against the simulator's ground truth: the anomalies scenario (N agents, H hours) and the emergence
    scenario (N agents, S s) replayed in data time through the anomaly and emergence engines and the correlator;
    raw alerts vs incidents (ratio before/after correlation), incidents per injected fault, share of its agents
    named, faults in an incident of their own (Jaccard ≥ 0.8), incidents of pool membership alone; then the whole
    fleet stops reporting for 5 minutes: incidents opened, stopped-reporting ones, earlier incidents rewritten.
    Defaults: 1,000 agents, 2 hours, 900 s, seed 1.`,
    run(values) {
      const agents = intFlag(values.agents, 'agents', 50, 100_000, 1000);
      runIncidentBench({
        agents,
        hours: intFlag(values.hours, 'hours', 1, 48, 2),
        emergenceAgents: agents,
        emergenceSeconds: intFlag(values.seconds, 'seconds', 300, 86_400, 900),
        stopSeconds: 300,
        seed: intFlag(values.seed, 'seed', 0, 2 ** 31, 1),
      });
    },
  },
  history: {
    usage: `history [--agents N] [--minutes M]
    the DuckDB history at N agents (default 10,000): M minutes (default 10) of window closes and anomaly events written
    as the platform writes them (CPU share of one core per second of data); then a generated day of every agent's
    minute windows and 30 days of each pool's and the fleet's as the default retention keeps them (23 days of hours, 7
    of minutes, the last day written with real sketches), and the roll-up job's first run over them; then one pool's
    30-day range as closed (≈ 10,600 windows) and one window an hour (720), the fleet's p99 latency over the day from
    its merged sketches (time, and error against the exact p99 of the values sketched) — each read once cold, then 20
    times: median and p95, wall and CPU time, with the load average —, a percentile scan over every agent-minute of the day for comparison, file bytes per agent-day,
    and the time to reopen the file and load the registry.`,
    async run(values) {
      const r = await runHistoryBench({
        agents: intFlag(values.agents, 'agents', 1, 1_000_000, 10_000),
        minutes: intFlag(values.minutes, 'minutes', 1, 1440, 10),
      });
      process.stdout.write(
        `\nhistory: ${r.agents.toLocaleString('en')} agents, ${r.minutes} minutes written; queries over a day of minute windows (${r.fleetRows.toLocaleString('en')} rows)\n`,
      );
      const ms = (t: HistoryTiming) =>
        `${Math.round(t.firstMs)} / ${Math.round(t.medianMs)} / ${Math.round(t.p95Ms)} / ${Math.round(t.medianCpuMs)} / ${Math.round(t.p95CpuMs)}`;
      const column = 'ms: first / median / p95 / CPU median / CPU p95';
      console.table([
        {
          'write CPU % of a core': +(r.writeCpuFraction * 100).toFixed(2),
          'windows/s': Math.round(r.windowsPerSecond),
          'events/s': Math.round(r.eventsPerSecond),
          'bytes/agent-day': Math.round(r.bytesPerAgentDay),
          'restart ms': Math.round(r.restartMs),
          'roll-up job, first run s': +r.rollupSeconds.toFixed(1),
          'hours rolled': r.rolledHours,
        },
      ]);
      console.table([
        { read: 'pool, 30 days as closed', rows: r.poolRange.rows, [column]: ms(r.poolRange) },
        { read: 'pool, 30 days hourly', rows: r.poolHourly.rows, [column]: ms(r.poolHourly) },
        {
          read: `fleet p99 over a day (${r.fleetWindows} windows), error ${((Math.abs(r.fleetP99 - r.exactFleetP99) / r.exactFleetP99) * 100).toFixed(2)} %`,
          rows: 1,
          [column]: ms(r.fleetPercentile),
        },
        {
          read: 'agent-minute quantile_cont scan over a day',
          rows: r.fleetRows,
          [column]: `${Math.round(r.agentScanMs)} / – / – / – / –`,
        },
      ]);
      process.stdout.write(
        `reads: once cold, then ${HISTORY_READ_RUNS} times (median, p95), wall and this process's CPU time; load average ${r.load.toFixed(1)} on ${r.cores} cores (wall time waits for a core)\n`,
      );
    },
  },
  console: {
    usage: `console [--agents N] [--edges E] [--shape preferential|planted]
    the web console in headless chromium (Debian's, through playwright-core) against a health-monitor holding N agents
    (default 10,000) with 30 minutes of windows and an interaction graph of E edges (default 50,000): the fleet view's
    first paint and first data, the agents table's paging (10 pages; 10 more sorted by health) and search by id prefix (5), the graph view's drawing and its longest
    main-thread task (how long the page froze), whole and zoomed onto the busiest hub, and the console's static bytes.
    --shape: the graph's (scale-free with hubs, the default; or teams of 50, hundreds of communities).`,
    async run(values) {
      const r = await runConsoleBench({
        agents: intFlag(values.agents, 'agents', 10, 1_000_000, 10_000),
        edges: intFlag(values.edges, 'edges', 0, 1_000_000, 50_000),
        pages: 10,
        shape: shapeFlag(values.shape),
      });
      process.stdout.write(
        `\nconsole: ${r.graph.nodes.toLocaleString('en')} agents drawn, ${r.graph.edges.toLocaleString('en')} edges; static assets ${(r.assetBytes / 1024).toFixed(0)} KiB\n`,
      );
      console.table([
        {
          'fleet first paint ms': Math.round(r.fleetFirstPaintMs),
          'fleet data shown ms': r.fleetDataShownMs,
          'agents page median ms': r.agentsPageMs.median,
          'agents page max ms': r.agentsPageMs.max,
          'agents search median ms': r.agentsSearchMs.median,
          'agents search max ms': r.agentsSearchMs.max,
          'sorted by health: page median ms': r.agentsSortedPageMs.median,
          'sorted: page max ms': r.agentsSortedPageMs.max,
        },
      ]);
      process.stdout.write('graph view: whole graph in view, then zoomed onto the busiest hub ("find in graph")\n');
      console.table([
        {
          'graph shown ms': r.graph.shownMs,
          'graph total ms': r.graph.layoutAndBuildMs,
          'of which fetch+layout (worker)': Math.round(r.graph.workerMs),
          'sigma created': Math.round(r.graph.rendererMs),
          'plan (worker)': Math.round(r.graph.planMs),
          'build (sliced)': Math.round(r.graph.buildMs),
          setGraph: Math.round(r.graph.setGraphMs),
          frame: Math.round(r.graph.frameMs),
          'agents drawn': r.graph.firstDrawn.agents,
          'edges drawn': `${r.graph.firstDrawn.edges.toLocaleString('en')} ${r.graph.firstDrawn.mode}`,
          'longest task ms': Math.round(r.graph.longestTaskMs),
          'of which drawing': Math.round(r.graph.drawingLongestTaskMs),
        },
      ]);
      console.table([
        {
          'zoom: agents drawn': r.graph.zoom.agents,
          'zoom: edges drawn': `${r.graph.zoom.edges.toLocaleString('en')} ${r.graph.zoom.mode}`,
          'zoom: shown ms': r.graph.zoom.shownMs,
          'zoom: plan (worker)': Math.round(r.graph.zoom.planMs),
          'zoom: build (sliced)': Math.round(r.graph.zoom.buildMs),
          'zoom: setGraph': Math.round(r.graph.zoom.setGraphMs),
          'zoom: longest task ms': Math.round(r.graph.zoom.longestTaskMs),
          'navigate away ms': r.graph.navigateAwayMs,
        },
      ]);
    },
  },
};

export const benchUsage = `swarmscope bench [${Object.keys(BENCHMARKS).join('|')}] [flags]   (no name: all of them, in turn)
${Object.values(BENCHMARKS)
  .map((b) => `  ${b.usage}`)
  .join('\n')}`;

function tickShapes(value: string | boolean | undefined): GraphShape[] {
  if (value === undefined || value === 'both') return ['random', 'scale-free'];
  if (value === 'random' || value === 'scale-free') return [value];
  throw new UsageError('--shape: must be random, scale-free or both');
}

function emergenceParts(mode: string | boolean | undefined): {
  truth: boolean;
  fleetgen: boolean;
  loop: boolean;
  tick: boolean;
} {
  if (mode === undefined || mode === 'all') return { truth: true, fleetgen: true, loop: true, tick: true };
  if (mode === 'truth' || mode === 'fleetgen' || mode === 'loop' || mode === 'tick')
    return { truth: mode === 'truth', fleetgen: mode === 'fleetgen', loop: mode === 'loop', tick: mode === 'tick' };
  throw new UsageError('--mode: must be all, truth, fleetgen, loop or tick');
}

/** `swarmscope bench [name]`: performance figures, measured (never asserted in tests). */
export async function bench(argv: readonly string[]): Promise<void> {
  const { values, positionals } = parseFlags(argv, {
    mode: { type: 'string' },
    seconds: { type: 'string' },
    agents: { type: 'string' },
    batch: { type: 'string' },
    concurrency: { type: 'string' },
    hours: { type: 'string' },
    minutes: { type: 'string' },
    seed: { type: 'string' },
    days: { type: 'string' },
    rate: { type: 'string' },
    payloads: { type: 'string' },
    'max-seconds': { type: 'string' },
    ticks: { type: 'string' },
    warmup: { type: 'string' },
    interval: { type: 'string' },
    tools: { type: 'string' },
    edges: { type: 'string' },
    shape: { type: 'string' },
    'nab-dir': { type: 'string' },
    scenario: { type: 'string' },
    'sim-agents': { type: 'string' },
    generator: { type: 'string' },
    hold: { type: 'string' },
    emergence: { type: 'boolean' },
    trace: { type: 'string' },
    'mean-rps': { type: 'string' },
    interpolate: { type: 'boolean' },
    'service-rate': { type: 'string' },
    slo: { type: 'string' },
    startup: { type: 'string' },
    nab: { type: 'string' },
    sets: { type: 'string' },
    'violation-minute-usd': { type: 'string' },
    profile: { type: 'string' },
    baseline: { type: 'string' },
    victoria: { type: 'boolean' },
    platform: { type: 'boolean' },
  });
  const names = positionals.length > 0 ? positionals : Object.keys(BENCHMARKS);
  for (const name of names)
    if (!BENCHMARKS[name])
      throw new UsageError(
        `unknown benchmark ${JSON.stringify(name)} (available: ${Object.keys(BENCHMARKS).join(', ')})`,
      );
  for (const name of names) await BENCHMARKS[name]!.run(values);
}

/** `--shape preferential|planted`: the console bench's interaction graph (default preferential). */
function shapeFlag(value: string | boolean | undefined): 'preferential' | 'planted' {
  if (value === undefined || value === 'preferential' || value === 'planted') return value ?? 'preferential';
  throw new UsageError('--shape: must be preferential or planted');
}

/** `--sets seeded,heavy-tails`: which trace sets the autoscaler bench replays (default all). */
function setsFlag(value: unknown): AutoscalerSet[] {
  if (value === undefined) return [...AUTOSCALER_SETS];
  if (typeof value !== 'string' || value === '')
    throw new UsageError(`--sets: needs a comma list of ${AUTOSCALER_SETS.join(', ')}`);
  const sets = value.split(',').map((v) => v.trim());
  for (const set of sets)
    if (!(AUTOSCALER_SETS as readonly string[]).includes(set))
      throw new UsageError(`--sets: unknown set ${JSON.stringify(set)} (available: ${AUTOSCALER_SETS.join(', ')})`);
  return sets as AutoscalerSet[];
}
