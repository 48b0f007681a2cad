import { createLogger, parseEnv, type Logger } from '@swarmscope/core';
import { backendsFor, healthMonitorEnv } from '@swarmscope/health-monitor';
import { PLATFORM, startPlatform, type ServiceName } from '../platform';
import { FUZZ_BODY_LIMIT_BYTES, FUZZ_KEYS, type FuzzService } from './payloads';

export interface FuzzPlatform {
  urls: Record<FuzzService, string>;
  stop(): Promise<void>;
}

/**
 * The five services in this process on free loopback ports, embedded (memory store and bus), with scoped keys and no
 * rate limit (a 429 would hide what validation does with the body).
 */
export async function startFuzzPlatform(
  logger: Logger = createLogger({ name: 'fuzz', level: 'silent' }),
): Promise<FuzzPlatform> {
  const source: Record<string, string> = {
    LOG_LEVEL: 'silent',
    API_KEYS: `ingest:${FUZZ_KEYS.ingest},admin:${FUZZ_KEYS.admin}`,
    RATE_LIMIT_READ_PER_SECOND: '0',
    RATE_LIMIT_INGEST_PER_SECOND: '0',
    RATE_LIMIT_ADMIN_PER_SECOND: '0',
    BODY_LIMIT_BYTES: String(FUZZ_BODY_LIMIT_BYTES),
  };
  for (const definition of Object.values(PLATFORM)) source[definition.portVariable] = '0';
  const backends = await backendsFor(parseEnv(healthMonitorEnv, source), logger);
  const platform = await startPlatform({ backends, source, logger: () => logger });
  const urls = Object.fromEntries(
    (Object.keys(PLATFORM) as ServiceName[]).map((name) => [name, platform[name].url]),
  ) as Record<FuzzService, string>;
  return {
    urls,
    async stop() {
      await platform.stop();
      await backends.close();
    },
  };
}
