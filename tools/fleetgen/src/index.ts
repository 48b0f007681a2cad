/**
 * @swarmscope/fleetgen: a second source of truth for judging the detectors, written apart from the simulator
 * (its own random streams, periods, pool sizes, noise and heavy tails). Each area lives in its own folder
 * (`agents/`: per-agent faults in a noisy fleet, `bursty/`: a third fleet shape — cron batches, request-only
 * reporting, Student-t latency —, `emergence/`: fleet phenomena, `traces/`: load traces) and is
 * re-exported here, one line each.
 */
export * from './emergence';
export * from './agents';
export * from './traces';
export * from './bursty';
