/** @swarmscope/emergence-detector: what the fleet does as a whole. */
export {};
