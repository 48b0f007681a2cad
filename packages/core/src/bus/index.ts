export * from './types';
export { shardOf } from './shard';
export * from './topics';
export { MemoryBus, type MemoryBusOptions } from './memory-bus';
export { RedisBus, type RedisBusOptions } from './redis-bus';
export { PortBus, serveBusOverPort, type PortBusInit, type ServedBus } from './port-bus';
