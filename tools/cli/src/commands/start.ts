import { join } from 'node:path';
import {
  STARTUP_EXIT_CODE,
  type AnomalyEvent,
  type Bus,
  boundHeapGrowth,
  createLogger,
  type Logger,
  onShutdownSignal,
  parseEnv,
  publishByKey,
  secretFor,
  topics,
} from '@swarmscope/core';
import { backendsFor, fleetSummary, healthMonitorEnv } from '@swarmscope/health-monitor';
import { defaultPolicy, type Autoscaler } from '@swarmscope/autoscaler';
import {
  ScalingMirror,
  ToolUsageRecorder,
  DB_FILE,
  continueAnomalies,
  dataDirFrom,
  withHistory,
  type History,
  type HistoryFaultError,
} from '@swarmscope/history';
import { BuiltinFleet, startControlServer } from '@swarmscope/simulator';
import { tracing } from '../instrumentation';
import { startPlatform } from '../platform';
import { intFlag, parseFlags } from '../args';
import { formatSummaryLine } from '../summary-line';
import { LiveTerminal } from '../terminal-lines';

export const startUsage = `swarmscope start [--agents N] [--duration S] [--no-fleet] [--autoscale]
  Runs the platform in one process (embedded: in-memory store and bus, history kept in SWARMSCOPE_DATA_DIR,
  default ./.swarmscope; set REDIS_URL for Redis),
  with a simulated fleet of N agents (default 1000) reporting through the SDK.
  --duration S   stop by itself after S seconds
  --no-fleet     no simulated fleet: only the services
  --autoscale    let the autoscaler scale the simulated fleet's pools (default: its AUTOSCALER_ACTUATOR, dry-run)`;

/** `swarmscope start`: every service in this process, a demo fleet, a live summary line; Ctrl-C stops cleanly. */
export async function start(argv: readonly string[]): Promise<void> {
  const { values } = parseFlags(argv, {
    agents: { type: 'string' },
    duration: { type: 'string' },
    fleet: { type: 'boolean', default: true },
    autoscale: { type: 'boolean', default: false },
  });
  const agents = intFlag(values.agents, 'agents', 1, 1_000_000, 1000);
  const duration = intFlag(values.duration, 'duration', 1, 365 * 86_400, 0);
  boundHeapGrowth();

  const env = parseEnv(healthMonitorEnv);
  const out = process.stdout;
  // On a terminal: readable log lines above a live summary line (each log line clears it first, then redraws it);
  // piped: JSON logs on stderr, a summary line every 10 s on stdout.
  const terminal = out.isTTY ? new LiveTerminal() : undefined;
  const destination = terminal ? { write: (chunk: string) => void out.write(terminal.showLog(chunk)) } : process.stderr;
  const logger = createLogger({ name: 'swarmscope', level: env.LOG_LEVEL, destination });
  // A signal while the services start waits for them to be up, then stops them all cleanly.
  let started!: (stop: (reason: string) => Promise<void>) => void;
  const stopOnceStarted = new Promise<(reason: string) => Promise<void>>((resolve) => (started = resolve));
  const removeSignals = onShutdownSignal(async (signal) => (await stopOnceStarted)(signal), logger);
  const memoryOrRedis = await backendsFor(env, logger);
  // A disk fault under the history (full, read-only) stops everything cleanly, then one line and exit 2: running on
  // in memory would acknowledge data that a restart forgets.
  const onFault = (fault: HistoryFaultError) => {
    removeSignals();
    void stopOnceStarted
      .then((stop) => stop('history store fault'))
      .catch((error: unknown) => logger.error({ err: error }, 'shutdown failed'))
      .finally(() => {
        process.stderr.write(`swarmscope: ${fault.message}\n`);
        process.exit(STARTUP_EXIT_CODE);
      });
  };
  // Embedded mode keeps its history on disk and continues from it; on Redis, health-monitor keeps it, written from the
  // bus (docs/history.md).
  const dataDir = dataDirFrom(process.env);
  const embedded =
    memoryOrRedis.store.kind === 'memory' ? await withHistory(memoryOrRedis, { dataDir, logger, onFault }) : undefined;
  const backends = embedded?.backends ?? memoryOrRedis;
  // The fleet reports with a key that may ingest; the autoscaler scales it with one that may administer.
  const ingestKey = secretFor(env.API_KEYS, 'ingest');
  const adminKey = secretFor(env.API_KEYS, 'admin');
  let fleet: BuiltinFleet | undefined;
  let control: Awaited<ReturnType<typeof startControlServer>> | undefined;
  // The services share this process, its store and its bus, each started by its definition from this environment.
  const platform = await startPlatform({
    backends,
    source: process.env,
    logger: (name) => createLogger({ name, level: env.LOG_LEVEL, destination }),
    async before(name, started): Promise<Record<string, string>> {
      if (name === 'health-monitor' && !embedded) return { SWARMSCOPE_DATA_DIR: dataDir };
      const healthUrl = started['health-monitor']?.url;
      if (name === 'incidents' && healthUrl) {
        // health-monitor listens: the demo fleet can report to it, and incidents' narrator reports its own LLM calls to
        // it unless told otherwise (Swarmscope watches its own AI).
        fleet = values.fleet
          ? new BuiltinFleet({ endpoint: healthUrl, agents, ...(ingestKey ? { apiKey: ingestKey } : {}) })
          : undefined;
        // --autoscale: the autoscaler acts on the demo fleet through the simulator's control endpoint, as it would on a cluster.
        control =
          fleet && values.autoscale
            ? await startControlServer(fleet.control, { port: 0, apiKeys: env.API_KEYS })
            : undefined;
        return process.env.NARRATOR_REPORT_URL ? {} : { NARRATOR_REPORT_URL: healthUrl };
      }
      if (name === 'autoscaler' && control)
        return {
          AUTOSCALER_ACTUATOR: 'simulator',
          SIMULATOR_CONTROL_URL: control.url,
          ...(adminKey ? { SIMULATOR_API_KEY: adminKey } : {}),
        };
      return {};
    },
  });
  const {
    'health-monitor': healthMonitor,
    'anomaly-detector': anomalyDetector,
    'emergence-detector': emergenceDetector,
    autoscaler,
    incidents,
  } = platform;
  const incidentsConfig = incidents.service.deps.env;
  embedded?.maintenance.register(healthMonitor.service.metrics.registry);
  const continued = embedded
    ? await continueAnomalyList(
        embedded.history,
        anomalyDetector.service.log,
        backends.bus,
        anomalyDetector.service.deps.env.ANOMALY_LOG_CAPACITY,
      )
    : undefined;
  const scalingHistory = embedded ? await keepScalingHistory(embedded.history, autoscaler.service, logger) : undefined;
  // Tool usage by pool and tool, a row per window (docs/history.md).
  const toolUsage = embedded
    ? new ToolUsageRecorder(embedded.history, healthMonitor.service.tools, {
        windowMs: env.WINDOW_SECONDS * 1000,
        logger,
      })
    : undefined;
  toolUsage?.start();
  fleet?.start();
  // The console's gateway reaches the services where this process bound them (a port variable may have moved one).
  const gateway = healthMonitor.service.consoleGateway;
  gateway.set('anomaly', anomalyDetector.server.url);
  gateway.set('emergence', emergenceDetector.server.url);
  gateway.set('autoscaler', autoscaler.server.url);
  gateway.set('incidents', incidents.server.url);

  const url = healthMonitor.server.url;
  out.write(
    [
      `Swarmscope is running (${backends.store.kind} mode${env.REDIS_URL ? `, ${redact(env.REDIS_URL)}` : ''})`,
      historyLine(embedded, continued, join(dataDir, DB_FILE)),
      `  console           ${url}/   (open it in a browser)`,
      `  health-monitor    ${url}   (GET /fleet/summary · /agents · /graph · /metrics · POST /v1/ingest)`,
      `  anomaly-detector  ${anomalyDetector.server.url}   (GET /anomalies · /detectors · /metrics · POST /detect/:agentId)`,
      `  emergence         ${emergenceDetector.server.url}   (GET /events · /fleet/state · /network/analysis · /metrics · POST /analyze)`,
      `  autoscaler        ${autoscaler.server.url}   (GET /decisions · /policies · /efficiency · /metrics · POST /analyze)${control ? ' acting on the fleet' : ''}`,
      `  incidents         ${incidents.server.url}   (GET /incidents · /incidents/:id · /metrics · POST /incidents/:id/ack · /resolve)${incidentsConfig.LLM_URL ? ` narrated by ${incidentsConfig.LLM_MODEL}` : ''}`,
      fleet ? `  simulated fleet   ${agents} agents reporting through the SDK` : '  simulated fleet   off (--no-fleet)',
      duration ? `  stopping by itself after ${duration} s; Ctrl-C stops sooner` : '  Ctrl-C stops',
      '',
    ].join('\n'),
  );

  let ticks = 0;
  const render = () => formatSummaryLine(fleetSummary(healthMonitor.service), fleet?.stats().dropped);
  const ticker = setInterval(() => {
    ticks++;
    if (terminal) out.write(terminal.showSummary(render()));
    else if (ticks % 10 === 0) out.write(`${render()}\n`);
  }, 1000);

  let stopped: Promise<void> | undefined;
  const stop = (reason: string) =>
    (stopped ??= (async () => {
      clearInterval(ticker);
      if (terminal) out.write(terminal.end());
      out.write(`stopping (${reason}): flushing the fleet, draining requests, writing the registry...\n`);
      await fleet?.stop();
      const final = render();
      await platform.stop();
      await scalingHistory?.stop();
      await toolUsage?.stop();
      await control?.close(1000);
      await backends.close();
      await tracing.shutdown();
      out.write(`${final}\nstopped cleanly\n`);
      logger.flush();
    })());

  started(stop);
  if (duration) {
    setTimeout(() => {
      removeSignals();
      stop(`--duration ${duration} s`).then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    }, duration * 1000);
  }
}

/**
 * The anomaly list as it was before the restart, its open anomalies closed (published, so the history, incidents and
 * every replica's list see it): the detectors' baselines are learned again from reports (GET /detectors `warmUp`).
 */
async function continueAnomalyList(
  history: History,
  log: { merge(event: AnomalyEvent): boolean },
  bus: Bus,
  capacity: number,
): Promise<{ anomalies: number; closed: number }> {
  const { replay, close } = continueAnomalies(await history.recentAnomalyEvents(capacity), Date.now());
  for (const event of replay) log.merge(event);
  await publishByKey(bus, topics.anomalies, close, (event) => event.agentId);
  return { anomalies: new Set(replay.map((e) => e.id)).size, closed: close.length };
}

/** Puts the saved policies back into the autoscaler, then saves its policy changes and decisions every 2 s. */
async function keepScalingHistory(history: History, autoscaler: Autoscaler, logger: Logger): Promise<ScalingMirror> {
  const saved = await history.policies();
  for (const { policy } of saved) await autoscaler.applyPolicy(policy as { pool: string } & Record<string, unknown>);
  const isDefault = (policy: { pool: string }) => JSON.stringify(policy) === JSON.stringify(defaultPolicy(policy.pool));
  const mirror = new ScalingMirror(history, autoscaler, { logger, isDefault });
  mirror.remember(saved);
  mirror.start(2000);
  return mirror;
}

function historyLine(
  embedded: { history: History; restored: { agents: number; incidents: number } } | undefined,
  continued: { anomalies: number; closed: number } | undefined,
  busHistoryPath: string,
): string {
  if (!embedded) return `  history           ${busHistoryPath}   (kept by health-monitor, written from the bus)`;
  const { history, restored } = embedded;
  const anomalies =
    continued && continued.anomalies > 0
      ? `, ${continued.anomalies} anomalies (${continued.closed} open ones closed: baselines warm up again)`
      : '';
  return `  history           ${history.path}   (restored ${restored.agents} agents, ${restored.incidents} open incidents${anomalies})`;
}

function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
