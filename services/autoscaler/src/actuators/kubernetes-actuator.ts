import { ActuationError, type Actuator, type ScaleRequest } from './actuator';
import { errorMessage, requestJson } from './http-json';
import type { KubernetesCredentials } from './kubernetes-credentials';

export type WorkloadKind = 'deployments' | 'statefulsets';

/** The workload a pool maps to (the same namespace for all). */
export interface WorkloadRef {
  kind: WorkloadKind;
  name: string;
}

export interface KubernetesActuatorOptions {
  credentials: KubernetesCredentials;
  namespace: string;
  /** Pool → workload; a pool not listed maps to the Deployment of the same name. */
  targets?: ReadonlyMap<string, WorkloadRef>;
  timeoutMs?: number;
}

/** The autoscaling/v1 Scale object the API server reads and writes at `…/{name}/scale`. */
interface Scale {
  apiVersion: 'autoscaling/v1';
  kind: 'Scale';
  spec?: { replicas?: number };
  status?: { replicas?: number };
}

/**
 * Scales a Deployment or StatefulSet through the API server's `scale` subresource: GET for the current replicas,
 * PATCH with `application/merge-patch+json` `{"spec":{"replicas":n}}` to set them (the same call `kubectl scale` and the
 * HPA controller make). The bearer token is re-read per call: projected service-account tokens rotate.
 */
export class KubernetesActuator implements Actuator {
  readonly kind = 'kubernetes' as const;

  constructor(private readonly options: KubernetesActuatorOptions) {}

  async currentReplicas(pools: readonly string[]): Promise<Map<string, number>> {
    const answers = await Promise.all(
      pools.map(async (pool) => {
        const response = await this.call('GET', pool);
        if (response.status === 404) return undefined;
        if (response.status !== 200)
          throw new ActuationError(
            `kubernetes GET ${this.path(pool)}: ${response.status} ${errorMessage(response.body)}`,
            response.status,
          );
        const replicas = (response.body as Scale).spec?.replicas ?? 0;
        return [pool, replicas] as const;
      }),
    );
    return new Map(answers.filter((a): a is readonly [string, number] => a !== undefined));
  }

  async scale(request: ScaleRequest): Promise<void> {
    const response = await this.call('PATCH', request.pool, { spec: { replicas: request.replicas } });
    if (response.status !== 200)
      throw new ActuationError(
        `kubernetes PATCH ${this.path(request.pool)}: ${response.status} ${errorMessage(response.body)}`,
        response.status,
      );
  }

  /** `/apis/apps/v1/namespaces/{ns}/{deployments|statefulsets}/{name}/scale` for a pool. */
  path(pool: string): string {
    const target = this.options.targets?.get(pool) ?? { kind: 'deployments', name: pool };
    return `/apis/apps/v1/namespaces/${encodeURIComponent(this.options.namespace)}/${target.kind}/${encodeURIComponent(target.name)}/scale`;
  }

  private async call(method: 'GET' | 'PATCH', pool: string, body?: unknown) {
    const { credentials } = this.options;
    return requestJson({
      method,
      url: `${credentials.server}${this.path(pool)}`,
      headers: {
        authorization: `Bearer ${await credentials.token()}`,
        ...(method === 'PATCH' ? { 'content-type': 'application/merge-patch+json' } : {}),
      },
      ...(body !== undefined ? { body } : {}),
      ...(credentials.ca ? { ca: credentials.ca } : {}),
      ...(this.options.timeoutMs !== undefined ? { timeoutMs: this.options.timeoutMs } : {}),
    });
  }
}

/** `pool=deployment/name,pool2=statefulset/name` → targets; throws naming the bad entry. */
export function parseTargets(spec: string): Map<string, WorkloadRef> {
  const targets = new Map<string, WorkloadRef>();
  for (const entry of spec
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const match = /^([A-Za-z0-9._:-]+)=(deployment|statefulset)s?\/([a-z0-9]([-a-z0-9.]*[a-z0-9])?)$/.exec(entry);
    if (!match) throw new Error(`"${entry}" is not pool=deployment/<name> or pool=statefulset/<name>`);
    targets.set(match[1]!, { kind: `${match[2] as 'deployment' | 'statefulset'}s`, name: match[3]! });
  }
  return targets;
}
