import { runServiceMain } from '@swarmscope/core/main';

/** incidents as its own process (distributed mode: REDIS_URL or REDIS_CLUSTER_NODES; one replica reads every shard). */
runServiceMain('incidents', async () => (await import('./service.js')).incidentsService);
