import { listenService, type Backends, type Logger, type RunningService, type ServiceInstance } from '@swarmscope/core';
import { AgentMonitor } from '@swarmscope/telemetry-client';
import { AlertmanagerSink } from './alertmanager-sink';
import type { IncidentsEnv } from './env';
import { IncidentService, SERVICE_NAME } from './incident-service';
import { Narrator } from './narrator';

export interface RunningIncidents extends RunningService<IncidentService> {
  /** The narrator's own agent (our SDK), when it reports its LLM calls. */
  monitor?: AgentMonitor;
}

/**
 * incidents started over the given store and bus, not yet listening (its definition and `runIncidents` use it). Its
 * stop stops reading the bus, writes the last changes, re-sends open alerts, flushes the narrator's reports.
 */
export async function incidentsInstance(
  env: IncidentsEnv,
  backends: Pick<Backends, 'bus' | 'store'>,
  logger: Logger,
): Promise<ServiceInstance<IncidentService> & { monitor?: AgentMonitor }> {
  const endpoint =
    env.LLM_URL && env.LLM_MODEL
      ? {
          url: env.LLM_URL,
          model: env.LLM_MODEL,
          api: env.LLM_API,
          timeoutMs: env.LLM_TIMEOUT_SECONDS * 1000,
          maxTokens: env.LLM_MAX_TOKENS,
          ...(env.LLM_API_KEY ? { apiKey: env.LLM_API_KEY } : {}),
        }
      : undefined;
  // Swarmscope watches its own AI: the narrator is an agent of the fleet, reported through our own SDK.
  const reportKey = env.NARRATOR_REPORT_API_KEY ?? env.API_KEYS[0];
  const monitor =
    endpoint && env.NARRATOR_REPORT_URL
      ? new AgentMonitor({
          agentId: env.NARRATOR_AGENT_ID,
          name: 'swarmscope incident narrator',
          model: endpoint.model,
          type: 'narrator',
          pool: 'swarmscope',
          endpoint: env.NARRATOR_REPORT_URL,
          ...(reportKey ? { apiKey: reportKey } : {}),
          labels: { component: 'incidents' },
        })
      : undefined;
  monitor?.register();
  const narrator = new Narrator({
    ratePerMinute: env.LLM_RATE_PER_MINUTE,
    tokenBudgetPerHour: env.LLM_TOKEN_BUDGET_PER_HOUR,
    ...(endpoint ? { endpoint } : {}),
    ...(monitor ? { monitor } : {}),
  });
  const alerts = env.ALERTMANAGER_URL
    ? new AlertmanagerSink({
        url: env.ALERTMANAGER_URL,
        logger,
        ...(env.PUBLIC_URL ? { publicUrl: env.PUBLIC_URL } : {}),
      })
    : undefined;
  const service = new IncidentService({
    env,
    bus: backends.bus,
    store: backends.store,
    logger,
    narrator,
    ...(alerts ? { alerts } : {}),
  });
  await service.start();
  return {
    app: service.app,
    service,
    ...(monitor ? { monitor } : {}),
    async stop() {
      await service.stop();
      await monitor?.close();
    },
    details: { llm: endpoint ? `${endpoint.api} ${endpoint.model}` : null, alertmanager: env.ALERTMANAGER_URL ?? null },
  };
}

/** Starts incidents on its port over the given store and bus (tests; stop() also stops reading and flushes). */
export async function runIncidents(
  env: IncidentsEnv,
  backends: Pick<Backends, 'bus' | 'store'>,
  logger: Logger,
): Promise<RunningIncidents> {
  const instance = await incidentsInstance(env, backends, logger);
  const running = await listenService(SERVICE_NAME, env, instance, logger);
  return { ...running, ...(instance.monitor ? { monitor: instance.monitor } : {}) };
}
