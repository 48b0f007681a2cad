import {
  parseEnv,
  startService,
  type Backends,
  type Logger,
  type RunningService,
  type ServiceDefinition,
} from '@swarmscope/core';
import { anomalyDetectorService } from '@swarmscope/anomaly-detector';
import { autoscalerService } from '@swarmscope/autoscaler';
import { emergenceDetectorService } from '@swarmscope/emergence-detector';
import { healthMonitorService } from '@swarmscope/health-monitor';
import { incidentsService } from '@swarmscope/incidents';

/**
 * The five services as one process runs them (`swarmscope start`, the fuzz platform), in start order: the bus's
 * consumers subscribe before health-monitor accepts a sample (a new consumer group starts at the latest entry);
 * incidents and the autoscaler start once health-monitor listens (the narrator reports to it, the autoscaler may act
 * on a fleet that reports to it).
 */
export const PLATFORM = {
  'anomaly-detector': anomalyDetectorService,
  'emergence-detector': emergenceDetectorService,
  'health-monitor': healthMonitorService,
  incidents: incidentsService,
  autoscaler: autoscalerService,
} as const;

export type ServiceName = keyof typeof PLATFORM;
type ServiceOf<D> = D extends ServiceDefinition<infer _Schema, infer S> ? S : never;
export type RunningPlatform = { readonly [K in ServiceName]: RunningService<ServiceOf<(typeof PLATFORM)[K]>> };

export interface PlatformOptions {
  /** Shared by every service (their owner closes them after `stop`). */
  backends: Backends;
  /** The variables every service parses its environment from (process.env for `swarmscope start`). */
  source: NodeJS.ProcessEnv;
  logger(name: ServiceName): Logger;
  /** Variables set for one service just before it starts, knowing the ones already running (e.g. health-monitor's URL). */
  before?(
    name: ServiceName,
    started: Partial<RunningPlatform>,
  ): Promise<Record<string, string>> | Record<string, string>;
}

/** Starts the five services over shared backends, each through its definition; a failed start stops those already up. */
export async function startPlatform(options: PlatformOptions): Promise<RunningPlatform & { stop(): Promise<void> }> {
  const started: Partial<Record<ServiceName, RunningService>> = {};
  const stopAll = async () => {
    for (const name of STOP_ORDER) await started[name]?.stop();
  };
  try {
    for (const name of Object.keys(PLATFORM) as ServiceName[]) {
      const definition: ServiceDefinition = PLATFORM[name];
      const overrides = (await options.before?.(name, started as Partial<RunningPlatform>)) ?? {};
      const env = parseEnv(definition.env, { ...options.source, ...overrides });
      started[name] = await startService(definition, { env, backends: options.backends, logger: options.logger(name) });
    }
  } catch (error) {
    await stopAll().catch(() => {});
    throw error;
  }
  // Every name was started above, each by its own definition: the record is complete and typed by PLATFORM.
  return { ...(started as RunningPlatform), stop: stopAll };
}

/** Ingest first (its last windows reach the bus), consumers after, incidents last (it writes what the others sent). */
const STOP_ORDER: readonly ServiceName[] = [
  'health-monitor',
  'autoscaler',
  'emergence-detector',
  'anomaly-detector',
  'incidents',
];
