import { runServiceMain } from '@swarmscope/core/main';

/** emergence-detector as its own process (distributed mode: REDIS_URL or REDIS_CLUSTER_NODES; one replica reads every shard). */
runServiceMain('emergence-detector', async () => (await import('./service.js')).emergenceDetectorService);
