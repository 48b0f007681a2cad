/** Fleet phenomena (synchronisation, cascades, phase transitions, collective learning) and a null fleet, with ground truth. */
export { EmergenceFleetRun } from './run';
export { EMERGENCE_SCENARIOS } from './phenomena';
export type { EmergenceFleetOptions, FleetInteraction, FleetReport } from './run';
export type { EmergenceScenario, PhenomenonKind, PhenomenonTruth, SpreadStep } from './phenomena';
