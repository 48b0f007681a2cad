// Imported first by main.ts: tracing must patch http, express and ioredis before they are loaded.
import { startServiceTracing } from '@swarmscope/core/tracing';

export const tracing = startServiceTracing('swarmscope');
