// Run by `swarmscope bench detector` as `node --expose-gc`, so the per-stream memory is measured on the heap.
import { runDetectorBench } from '@swarmscope/anomaly-detector';

process.stdout.write(`${JSON.stringify(runDetectorBench())}\n`);
