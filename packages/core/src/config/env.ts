import { hostname } from 'node:os';
import { INGEST_LIMITS } from '@swarmscope/protocol';
import { z } from 'zod';
import { SCOPES } from '../http/api-keys';
import type { RateLimits } from '../http/auth';

/** Raised at start when the environment does not fit a service's schema; the message names each variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/** Parses environment variables with a zod object schema whose keys are the variable names. */
export function parseEnv<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const input: Record<string, string | undefined> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    input[key] = value === '' ? undefined : value;
  }
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => {
      const name = issue.path.map(String).join('.');
      const raw = env[name];
      return `${name}: ${issue.message}${raw === undefined ? '' : ` (got ${JSON.stringify(raw)})`}`;
    }),
  );
}

/** Integer from a string, within bounds. */
export const intVar = (min: number, max: number, fallback: number) =>
  z.coerce
    .number()
    .int(`must be an integer`)
    .min(min, `must be ≥ ${min}`)
    .max(max, `must be ≤ ${max}`)
    .default(fallback);

/** Positive number (seconds, ratios...) from a string. */
export const numberVar = (min: number, max: number, fallback: number) =>
  z.coerce
    .number()
    .refine(Number.isFinite, 'must be a finite number')
    .pipe(z.number().min(min, `must be ≥ ${min}`).max(max, `must be ≤ ${max}`))
    .default(fallback);

/** Comma-separated list, blanks dropped. */
export const listVar = () =>
  z
    .string()
    .optional()
    .transform((value) =>
      (value ?? '')
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean),
    );

export const urlVar = (protocols: readonly string[]) =>
  z
    .string()
    .url('must be a URL')
    .refine((value) => protocols.includes(new URL(value).protocol), `must use ${protocols.join(' or ')}`)
    .optional();

/**
 * `BUS_CONSUMER`: this replica's consumer name in its bus groups, stable across restarts so it resumes its pending
 * entries (default: the host name, e.g. a StatefulSet pod's). Every service that reads the bus declares it so.
 */
export const busConsumerVar = () => z.string().min(1).max(128).default(hostname());

/** `MAX_FUTURE_SKEW_SECONDS`: how far ahead of this service's clock a posted timestamp may be (one far-future sample would move the data clock for everyone). */
export const maxFutureSkewVar = () => numberVar(0, 86_400, 300);

function optionalInt(min: number, max: number) {
  return z.coerce
    .number()
    .int('must be an integer')
    .min(min, `must be ≥ ${min}`)
    .max(max, `must be ≤ ${max}`)
    .optional();
}

/** Variables every service shares. */
export const commonEnv = z.object({
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  HOST: z.string().min(1).default('127.0.0.1'),
  REDIS_URL: urlVar(['redis:', 'rediss:']),
  /** Redis Cluster seed nodes, `host:port,host:port`; takes the place of REDIS_URL (set one of the two). */
  REDIS_CLUSTER_NODES: z
    .string()
    .optional()
    .transform((value, context) => {
      const nodes = (value ?? '')
        .split(',')
        .map((node) => node.trim())
        .filter(Boolean);
      for (const node of nodes) {
        if (!/^(rediss?:\/\/)?[^\s:/]+:\d{1,5}$/.test(node)) {
          context.addIssue({ code: 'custom', message: `"${node}" is not host:port` });
          return z.NEVER;
        }
      }
      return nodes.length > 0 ? nodes : undefined;
    }),
  /** Replicas that must hold a bus entry before it is acknowledged (Redis WAIT); default 1 on a cluster, 0 otherwise. */
  BUS_ACK_REPLICAS: z.coerce
    .number()
    .int('must be an integer')
    .min(0, 'must be ≥ 0')
    .max(16, 'must be ≤ 16')
    .optional(),
  /** Seconds an unacknowledged bus entry waits before another consumer of its group may claim it (XAUTOCLAIM). */
  BUS_REDELIVER_SECONDS: numberVar(0.1, 3600, 30),
  BUS_SHARDS: intVar(1, 1024, 16),
  /** Entries (publish calls) kept per bus shard; the default depends on the mode (see backends.ts). */
  BUS_MAX_LEN: z.coerce
    .number()
    .int('must be an integer')
    .min(1, 'must be ≥ 1')
    .max(10_000_000, 'must be ≤ 10000000')
    .optional(),
  /** `scope:secret` entries (scope read, ingest or admin); a bare secret is an admin key. */
  API_KEYS: listVar(),
  /** Requests per second one key of each scope may make, sustained (0: no limit), and its burst (default 2 s worth). */
  RATE_LIMIT_READ_PER_SECOND: numberVar(0, 1_000_000, 100),
  RATE_LIMIT_READ_BURST: optionalInt(1, 10_000_000),
  RATE_LIMIT_INGEST_PER_SECOND: numberVar(0, 1_000_000, 500),
  RATE_LIMIT_INGEST_BURST: optionalInt(1, 10_000_000),
  RATE_LIMIT_ADMIN_PER_SECOND: numberVar(0, 1_000_000, 20),
  RATE_LIMIT_ADMIN_BURST: optionalInt(1, 10_000_000),
  OTEL_EXPORTER_OTLP_ENDPOINT: urlVar(['http:', 'https:']),
  BODY_LIMIT_BYTES: intVar(1024, 64 * 1024 * 1024, INGEST_LIMITS.bodyBytes),
  SHUTDOWN_TIMEOUT_SECONDS: numberVar(0, 300, 10),
});
export type CommonEnv = z.infer<typeof commonEnv>;

/** The per-scope token-bucket rates of `RATE_LIMIT_*` (a rate of 0 leaves that scope unlimited). */
export function rateLimitsFrom(env: CommonEnv): RateLimits {
  const limits: RateLimits = {};
  for (const scope of SCOPES) {
    const upper = scope.toUpperCase() as Uppercase<typeof scope>;
    const perSecond = env[`RATE_LIMIT_${upper}_PER_SECOND`];
    if (perSecond > 0)
      limits[scope] = { perSecond, burst: env[`RATE_LIMIT_${upper}_BURST`] ?? Math.max(1, Math.ceil(2 * perSecond)) };
  }
  return limits;
}
