import type { Express } from 'express';
import type { Bus } from '../bus/types';
import { rateLimitsFrom, type CommonEnv } from '../config/env';
import type { Store } from '../store/types';
import { createHttpApp, type HttpAppOptions, type ReadinessCheck } from './app';

export interface ServiceAppOptions extends Omit<
  HttpAppOptions,
  'apiKeys' | 'rateLimits' | 'bodyLimitBytes' | 'readiness'
> {
  /** API_KEYS, RATE_LIMIT_* and BODY_LIMIT_BYTES come from the service's parsed environment. */
  env: CommonEnv;
  /** The backends the service uses: each is a /readyz check named by its kind (`bus (redis)`, `store (memory)`). */
  uses: { bus?: Bus | undefined; store?: Store | undefined };
  /** Checks of its own, after the backends'. */
  readiness?: readonly ReadinessCheck[];
}

/** A service's express app (createHttpApp) from its environment, ready when the backends it uses answer. */
export function createServiceApp(options: ServiceAppOptions): Express {
  const { env, uses, readiness = [], ...app } = options;
  const { bus, store } = uses;
  return createHttpApp({
    ...app,
    apiKeys: env.API_KEYS,
    rateLimits: rateLimitsFrom(env),
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
    readiness: [
      ...(bus ? [{ name: `bus (${bus.kind})`, check: () => bus.ping() }] : []),
      ...(store ? [{ name: `store (${store.kind})`, check: () => store.ping() }] : []),
      ...readiness,
    ],
  });
}
