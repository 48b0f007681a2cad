/** @swarmscope/testkit: real servers for tests and benchmarks, each on a free loopback port, never in production code. */
export { freePort } from './free-port';
export { startRedisServer } from './local-redis';
export { startRedisCluster } from './local-redis-cluster';
export { startAlertmanager } from './local-alertmanager';

export type { RedisServerHandle } from './local-redis';
export type { ClusterNode, RedisClusterHandle } from './local-redis-cluster';
export type { AlertmanagerHandle } from './local-alertmanager';
