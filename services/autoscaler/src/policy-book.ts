import type { ZodError } from 'zod';
import { defaultPolicy, policySchema, type Policy } from './policy';

/** What changed in one policy update, field by field. */
export type PolicyChanges = Record<string, { from: unknown; to: unknown }>;

/**
 * Every pool's policy: a pool gets the seed defaults the first time it is seen; `apply` merges a validated patch and
 * re-validates the whole (cross-field rules) so the caller can answer 400 naming the field.
 */
export class PolicyBook {
  private readonly policies = new Map<string, Policy>();

  get(pool: string): Policy {
    let policy = this.policies.get(pool);
    if (!policy) this.policies.set(pool, (policy = defaultPolicy(pool)));
    return policy;
  }

  /** Takes policies kept from an earlier run; one that no longer validates is returned with its error and left out. */
  load(stored: readonly unknown[]): Array<{ pool: unknown; error: ZodError }> {
    const refused: Array<{ pool: unknown; error: ZodError }> = [];
    for (const value of stored) {
      const parsed = policySchema.safeParse(value);
      if (parsed.success) this.policies.set(parsed.data.pool, parsed.data as Policy);
      else refused.push({ pool: (value as { pool?: unknown } | null)?.pool, error: parsed.error });
    }
    return refused;
  }

  all(): Policy[] {
    return [...this.policies.values()].sort((a, b) => a.pool.localeCompare(b.pool));
  }

  /** Merges `patch` into the pool's policy; returns the new policy and what changed, or the zod error of the merge. */
  apply(
    patch: { pool: string } & Record<string, unknown>,
  ): { policy: Policy; changes: PolicyChanges } | { error: ZodError } {
    const before = this.get(patch.pool);
    const merged = policySchema.safeParse({ ...before, ...patch });
    if (!merged.success) return { error: merged.error };
    const policy = merged.data as Policy;
    const changes: PolicyChanges = {};
    for (const key of Object.keys(patch)) {
      const from = (before as Record<string, unknown>)[key];
      const to = (policy as Record<string, unknown>)[key];
      if (JSON.stringify(from) !== JSON.stringify(to)) changes[key] = { from, to };
    }
    this.policies.set(policy.pool, policy);
    return { policy, changes };
  }
}
