import { runServiceMain } from '@swarmscope/core/main';

/** anomaly-detector as its own process (distributed mode: REDIS_URL or REDIS_CLUSTER_NODES, and ANOMALY_SHARDS per replica). */
runServiceMain('anomaly-detector', async () => (await import('./service.js')).anomalyDetectorService);
