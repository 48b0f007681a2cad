export { History } from './history';
export type { HistoryOptions } from './history';
export { HistoryOpenError } from './errors';
export { durableStore, restoreInto } from './durable-store';
export { openHistoryDb, DB_FILE } from './open';
export { HISTORY_TABLES, SCHEMA_VERSION } from './schema';
export type { HistoryTable } from './schema';
export { rollUp, rollUpByPeriod, HOUR_MS } from './rollup';
export { withHistory, dataDirFrom, DEFAULT_DATA_DIR } from './embedded';
