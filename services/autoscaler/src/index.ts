/** @swarmscope/autoscaler: scaling agent pools ahead of demand. */
export {};
