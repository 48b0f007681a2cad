// Run by `swarmscope bench anomaly-state` as `node --expose-gc`: what one agent costs the anomaly engine.
import { runStateBench } from '@swarmscope/anomaly-detector';

const [agents, reports] = process.argv.slice(2).map(Number);
process.stdout.write(`${JSON.stringify(runStateBench({ agents, reports }))}\n`);
