export * from './types';
export { MemoryStore, type MemoryStoreOptions } from './memory-store';
export { RedisStore, type RedisStoreOptions } from './redis-store';
