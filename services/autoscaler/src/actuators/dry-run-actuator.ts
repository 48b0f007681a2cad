import type { Actuator, ScaleRequest } from './actuator';

/** Changes nothing: remembers what it was asked so the next decision starts from it (and tests can read it). */
export class DryRunActuator implements Actuator {
  readonly kind = 'dry-run' as const;
  readonly requests: ScaleRequest[] = [];
  private readonly replicas = new Map<string, number>();

  async currentReplicas(pools: readonly string[]): Promise<Map<string, number>> {
    return new Map(pools.filter((pool) => this.replicas.has(pool)).map((pool) => [pool, this.replicas.get(pool)!]));
  }

  async scale(request: ScaleRequest): Promise<void> {
    this.requests.push(request);
    this.replicas.set(request.pool, request.replicas);
  }
}
