import { busConsumerVar, commonEnv, intVar, maxFutureSkewVar, numberVar } from '@swarmscope/core';
import type { z } from 'zod';

const threshold = (fallback: number) => numberVar(0, 1, fallback);

/** emergence-detector's environment; every variable is listed in docs/configuration.md (tools/cli/src/docs.test.ts checks). */
export const emergenceDetectorEnv = commonEnv.extend({
  EMERGENCE_DETECTOR_PORT: intVar(0, 65535, 8082),
  /** Tick length: reports are summed per agent and tick (data time). */
  EMERGENCE_TICK_SECONDS: intVar(1, 600, 10),
  /** Ticks of per-agent history analysed: 60 ticks of 10 s is 10 minutes. */
  EMERGENCE_HORIZON_TICKS: intVar(24, 1440, 60),
  /** Ticks of fleet-level order parameters kept for GET /fleet/state. */
  EMERGENCE_HISTORY_TICKS: intVar(10, 100_000, 360),
  /** Data time a tick waits for late reports after it ends. */
  EMERGENCE_LATENESS_SECONDS: numberVar(0, 600, 2),
  EMERGENCE_EVENT_LOG_CAPACITY: intVar(100, 1_000_000, 10_000),
  /** Max agents or interactions per POST /analyze body. */
  EMERGENCE_MAX_BATCH: intVar(1, 1_000_000, 50_000),
  /** How far ahead of this service's clock a posted timestamp (or `until`) may be: one far-future sample would move the data clock for everyone. */
  MAX_FUTURE_SKEW_SECONDS: maxFutureSkewVar(),
  THRESHOLD_SWARM_INTELLIGENCE: threshold(0.7),
  THRESHOLD_COLLECTIVE_BEHAVIOR: threshold(0.6),
  THRESHOLD_PHASE_TRANSITION: threshold(0.8),
  THRESHOLD_SELF_ORGANIZATION: threshold(0.65),
  THRESHOLD_COLLECTIVE_LEARNING: threshold(0.75),
  THRESHOLD_CASCADE_FAILURE: threshold(0.5),
  THRESHOLD_EARLY_WARNING: threshold(0.5),
  /** This replica's consumer name in the bus group (one replica: the detector is a fleet-wide singleton). */
  BUS_CONSUMER: busConsumerVar(),
});
export type EmergenceDetectorEnv = z.infer<typeof emergenceDetectorEnv>;
