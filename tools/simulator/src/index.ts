export { BuiltinFleet } from './builtin-fleet';
export { MODELS, POOLS, AGENT_TYPES } from './models';
export { Random } from './random';

export type { BuiltinFleetOptions } from './builtin-fleet';
export type { ModelProfile } from './models';
