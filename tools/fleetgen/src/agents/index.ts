export { FAULT_TYPES, DEFAULT_START_EPOCH_MS, planFleet } from './plan';
export { BLOCK_MS, blockCount, dailyLoad, generateBlock } from './generate';
export { LOAD_TEST_ARCHETYPE, MODEL_SPECS, POOL_ARCHETYPES } from './profiles';
export { Rng, streamKey } from './random';

export type {
  AgentPlan,
  FaultTruth,
  FaultType,
  FleetOptions,
  FleetPlan,
  NaturalSpike,
  PoolPlan,
  ScanContact,
} from './plan';
export type { FleetBlock, IngestInteraction, IngestReport } from './generate';
export type { InteractionKind, ModelSpec, PoolArchetype } from './profiles';
