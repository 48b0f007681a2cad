import { runServiceMain } from '@swarmscope/core/main';

/** health-monitor as its own process (distributed mode: REDIS_URL or REDIS_CLUSTER_NODES). */
runServiceMain('health-monitor', async () => (await import('./service.js')).healthMonitorService);
