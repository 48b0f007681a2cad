import { runServiceMain } from '@swarmscope/core/main';

/** autoscaler as its own process (distributed mode: REDIS_URL or REDIS_CLUSTER_NODES; one replica reads every shard). */
runServiceMain('autoscaler', async () => (await import('./service.js')).autoscalerService);
