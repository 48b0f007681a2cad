export { BURSTY_BLOCK_MS, BURSTY_FAULT_TYPES, burstyBlock, burstyBlockCount, planBurstyFleet } from './bursty-fleet';
export type {
  BurstyAgent,
  BurstyEvent,
  BurstyFault,
  BurstyFaultType,
  BurstyOptions,
  BurstyPlan,
  BurstyReport,
} from './bursty-fleet';
