/** @swarmscope/simulator: simulated agents for demos, scenarios with ground truth, and load tests. */
export { BuiltinFleet } from './builtin-fleet';
export { startControlServer, MAX_REPLICAS } from './control-server';
export { DEFAULT_GENERATOR, diurnalFactor, expectedReportsPerSecond, generateTick } from './generator';
export { AGENT_TYPE_PROFILES, AGENT_TYPES, MODELS, POOL_PROFILES, POOLS } from './models';
export { Population, describeGraph } from './population';
export { Random, hashString, mix } from './random';
export { SimulationRunner } from './runner';
export { SCENARIOS, SCENARIO_NAMES, createScenario, isScenarioName } from './scenarios';
export { runRecord, scaleLine, truthLines } from './truth';

export type { BuiltinFleetOptions } from './builtin-fleet';
export type { ControlServerOptions, ControlTarget } from './control-server';
export type { GeneratorConfig, TickOutput } from './generator';
export type { AgentTypeProfile, ModelProfile, PoolProfile } from './models';
export type { GraphDescription, PopulationOptions, ScaleResult, SimAgent } from './population';
export type { RunStats, RunnerOptions } from './runner';
export type { ScenarioName } from './scenarios';
export type { Modifiers, RiskClass, Scenario, ScenarioContext, SpreadStep, TruthRecord } from './scenarios/types';
export type { RunRecord, ScaleRecord } from './truth';
