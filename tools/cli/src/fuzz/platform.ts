import { createLogger, parseEnv, type Logger } from '@swarmscope/core';
import { backendsFor, healthMonitorEnv, runHealthMonitor } from '@swarmscope/health-monitor';
import { anomalyDetectorEnv, createDefaultEngine, runAnomalyDetector } from '@swarmscope/anomaly-detector';
import { emergenceDetectorEnv, runEmergenceDetector } from '@swarmscope/emergence-detector';
import { autoscalerEnv, runAutoscaler } from '@swarmscope/autoscaler';
import { incidentsEnv, runIncidents } from '@swarmscope/incidents';
import { FUZZ_BODY_LIMIT_BYTES, FUZZ_KEYS, type FuzzService } from './payloads';

export interface FuzzPlatform {
  urls: Record<FuzzService, string>;
  stop(): Promise<void>;
}

/**
 * The five services in this process on free loopback ports, embedded (memory store and bus), with scoped keys and no
 * rate limit (a 429 would hide what validation does with the body).
 */
export async function startFuzzPlatform(logger: Logger = createLogger({ name: 'fuzz', level: 'silent' })): Promise<FuzzPlatform> {
  const common = {
    LOG_LEVEL: 'silent',
    API_KEYS: `ingest:${FUZZ_KEYS.ingest},admin:${FUZZ_KEYS.admin}`,
    RATE_LIMIT_READ_PER_SECOND: '0',
    RATE_LIMIT_INGEST_PER_SECOND: '0',
    RATE_LIMIT_ADMIN_PER_SECOND: '0',
    BODY_LIMIT_BYTES: String(FUZZ_BODY_LIMIT_BYTES),
  };
  const env = parseEnv(healthMonitorEnv, { ...common, HEALTH_MONITOR_PORT: '0' });
  const backends = await backendsFor(env, logger);
  const healthMonitor = await runHealthMonitor(env, backends, logger);
  const detectorEnv = parseEnv(anomalyDetectorEnv, { ...common, ANOMALY_DETECTOR_PORT: '0' });
  const anomalyDetector = await runAnomalyDetector(detectorEnv, backends.bus, createDefaultEngine({ latencySlos: detectorEnv.LATENCY_SLOS }), logger);
  const emergenceDetector = await runEmergenceDetector(parseEnv(emergenceDetectorEnv, { ...common, EMERGENCE_DETECTOR_PORT: '0' }), backends.bus, logger);
  const autoscaler = await runAutoscaler(parseEnv(autoscalerEnv, { ...common, AUTOSCALER_PORT: '0' }), backends.bus, backends.store, logger);
  const incidents = await runIncidents(parseEnv(incidentsEnv, { ...common, INCIDENTS_PORT: '0' }), backends, logger);
  return {
    urls: {
      'health-monitor': healthMonitor.server.url,
      'anomaly-detector': anomalyDetector.server.url,
      'emergence-detector': emergenceDetector.server.url,
      autoscaler: autoscaler.server.url,
      incidents: incidents.server.url,
    },
    async stop() {
      await healthMonitor.stop();
      await autoscaler.stop();
      await emergenceDetector.stop();
      await anomalyDetector.stop();
      await incidents.stop();
      await backends.close();
    },
  };
}
