import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { renderKustomization, strategicMerge, type KubeObject } from './kustomize-render';
import { runToEnd } from './processes';
import { readYaml, repoPath, repoRoot } from './repo';

const VALIDATOR = join(repoRoot, 'tools', 'ops', 'fixtures', 'validate-kubernetes.mjs');

/** Validates objects against the Kubernetes, Prometheus Operator and KEDA schemas (kubernetes-models, in a child process). */
function validate(objects: readonly object[]): Promise<Array<{ kind: string; name: string; error?: string }>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [VALIDATOR], {
      cwd: join(repoRoot, 'tools', 'ops'),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0
        ? resolve(JSON.parse(stdout) as Array<{ kind: string; name: string; error?: string }>)
        : reject(new Error(`validator exited ${code}: ${stderr}`)),
    );
    child.stdin.end(JSON.stringify(objects));
  });
}

interface Container {
  name: string;
  image: string;
  command?: string[];
  ports?: Array<{ name: string; containerPort: number }>;
  env?: Array<{ name: string; value?: string }>;
  livenessProbe?: { httpGet?: { path: string; port: string } };
  readinessProbe?: { httpGet?: { path: string; port: string } };
  resources?: { requests?: { cpu?: string; memory?: string } };
}
interface PodTemplate {
  metadata: { labels: Record<string, string> };
  spec: { containers: Container[]; serviceAccountName?: string };
}
interface Workload extends KubeObject {
  spec: {
    replicas: number;
    serviceName?: string;
    selector: { matchLabels: Record<string, string> };
    template: PodTemplate;
  };
}

const rendered = renderKustomization(repoPath('deploy/overlays/example'));
const byKind = <T extends KubeObject>(kind: string) => rendered.filter((o) => o.kind === kind) as T[];
const find = <T extends KubeObject>(kind: string, name: string) =>
  rendered.find((o) => o.kind === kind && o.metadata.name === name) as T | undefined;
const workloads = [...byKind<Workload>('Deployment'), ...byKind<Workload>('StatefulSet')];
const SERVICES = ['health-monitor', 'anomaly-detector', 'emergence-detector', 'autoscaler', 'incidents'];

describe('deploy/ (kustomize overlay example, rendered)', () => {
  it('every object is valid against the Kubernetes, Prometheus Operator and KEDA schemas', async () => {
    const results = await validate(rendered);
    expect(results).toHaveLength(rendered.length);
    expect(results.filter((r) => r.error)).toEqual([]);
  });

  it('the schema check catches a mistake (replicas as a string)', async () => {
    const health = find<Workload>('Deployment', 'health-monitor')!;
    const broken = strategicMerge(health, { spec: { replicas: 'three' } });
    const [result] = await validate([broken as object]);
    expect(result!.error).toMatch(/replicas must be integer/);
  });

  it('holds the five services, each with its Service, all in the overlay’s namespace and image', () => {
    for (const name of SERVICES) {
      expect(workloads.map((w) => w.metadata.name)).toContain(name);
      expect(find('Service', name)).toBeDefined();
    }
    expect(rendered.every((o) => o.metadata.namespace === 'swarmscope')).toBe(true);
    for (const w of workloads)
      for (const c of w.spec.template.spec.containers) expect(c.image).toBe('ghcr.io/example/swarmscope:0.1.0');
  });

  it.each(SERVICES)('%s: probes on /healthz and /readyz, resource requests, its entry file', (name) => {
    const workload = workloads.find((w) => w.metadata.name === name)!;
    const [container] = workload.spec.template.spec.containers;
    expect(container!.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(container!.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(container!.ports?.map((p) => p.name)).toEqual(['http']);
    expect(container!.resources?.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
    expect(container!.command!.join(' ')).toContain(`services/${name}/dist/main.js`);
  });

  it.each(['emergence-detector', 'incidents'])(
    '%s, a fleet-wide singleton, is one replica replaced by Recreate',
    (name) => {
      const deployment = find<Workload & { spec: { strategy?: { type: string } } }>('Deployment', name)!;
      expect(deployment.spec.replicas).toBe(1);
      expect(deployment.spec.strategy?.type).toBe('Recreate');
    },
  );

  it('Services select their pods and target the http port', () => {
    for (const service of byKind<
      KubeObject & { spec: { selector: Record<string, string>; ports: Array<{ targetPort: string }> } }
    >('Service')) {
      const pods = workloads.filter((w) =>
        Object.entries(service.spec.selector).every(([k, v]) => w.spec.template.metadata.labels[k] === v),
      );
      expect(pods).toHaveLength(1);
      expect(service.spec.ports.map((p) => p.targetPort)).toEqual(['http']);
    }
  });

  it('the sharded anomaly-detector is a StatefulSet whose ordinal picks its shards; the overlay keeps REPLICAS in step', () => {
    const detector = find<Workload>('StatefulSet', 'anomaly-detector')!;
    expect(detector.spec.replicas).toBe(4);
    const env = detector.spec.template.spec.containers[0]!.env!;
    expect(env.find((e) => e.name === 'REPLICAS')?.value).toBe(String(detector.spec.replicas));
    expect(
      find<KubeObject & { spec: { clusterIP: string } }>('Service', detector.spec.serviceName!)?.spec.clusterIP,
    ).toBe('None');
  });

  it('the ordinal-to-shards script splits the shards without gap or overlap (run by a real sh)', async () => {
    const script = find<Workload>(
      'StatefulSet',
      'anomaly-detector',
    )!.spec.template.spec.containers[0]!.command![2]!.replace(/exec node .*$/m, 'echo "$ANOMALY_SHARDS"');
    const owned: string[] = [];
    for (let ordinal = 0; ordinal < 3; ordinal++) {
      const result = await runToEnd('sh', [
        '-c',
        `POD_NAME=anomaly-detector-${ordinal} BUS_SHARDS=16 REPLICAS=3; ${script}`,
      ]);
      owned.push(result.stdout.trim());
    }
    expect(owned).toEqual(['0-4', '5-9', '10-15']);
  });

  it('RBAC lets the autoscaler get and patch `scale` and nothing more, and only the autoscaler', () => {
    const role = find<KubeObject & { rules: Array<{ apiGroups: string[]; resources: string[]; verbs: string[] }> }>(
      'Role',
      'swarmscope-autoscaler-scale',
    )!;
    expect(role.rules).toEqual([
      { apiGroups: ['apps'], resources: ['deployments/scale', 'statefulsets/scale'], verbs: ['get', 'patch'] },
    ]);
    expect(byKind('ClusterRole')).toEqual([]);
    const binding = find<KubeObject & { subjects: unknown[]; roleRef: { name: string } }>(
      'RoleBinding',
      'swarmscope-autoscaler-scale',
    )!;
    expect(binding.roleRef.name).toBe(role.metadata.name);
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: 'swarmscope-autoscaler', namespace: 'swarmscope' },
    ]);
    const withAccount = workloads
      .filter((w) => w.spec.template.spec.serviceAccountName === 'swarmscope-autoscaler')
      .map((w) => w.metadata.name);
    expect(withAccount).toEqual(['autoscaler']);
  });

  it('a PodMonitor scrapes every service’s http port with the cardinality guard of prometheus.yml', () => {
    const [monitor] = byKind<
      KubeObject & {
        spec: {
          selector: { matchLabels: Record<string, string> };
          podMetricsEndpoints: Array<{
            port: string;
            path: string;
            metricRelabelings: Array<{ action: string; regex: string }>;
          }>;
        };
      }
    >('PodMonitor');
    const selected = workloads.filter((w) =>
      Object.entries(monitor!.spec.selector.matchLabels).every(([k, v]) => w.spec.template.metadata.labels[k] === v),
    );
    expect(selected.map((w) => w.metadata.name).sort()).toEqual([...SERVICES].sort());
    expect(monitor!.spec.podMetricsEndpoints[0]).toMatchObject({ port: 'http', path: '/metrics' });
    const prometheus = readYaml<{
      scrape_configs: Array<{ job_name: string; metric_relabel_configs: Array<{ action: string; regex: string }> }>;
    }>('prometheus/prometheus.yml');
    const guard = prometheus.scrape_configs
      .find((j) => j.job_name === 'health-monitor')!
      .metric_relabel_configs.find((r) => r.action === 'labeldrop');
    expect(monitor!.spec.podMetricsEndpoints[0]!.metricRelabelings).toEqual([
      { action: 'labeldrop', regex: guard!.regex },
    ]);
  });

  it('a KEDA ScaledObject sizes an agent pool from the autoscaler’s desired replicas', () => {
    const [scaled] = byKind<
      KubeObject & {
        spec: {
          scaleTargetRef: { kind: string; name: string };
          triggers: Array<{ type: string; metricType: string; metadata: { query: string; threshold: string } }>;
        };
      }
    >('ScaledObject');
    expect(scaled!.spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: 'support-agents' });
    expect(scaled!.spec.triggers).toEqual([
      expect.objectContaining({
        type: 'prometheus',
        metricType: 'AverageValue',
        metadata: expect.objectContaining({ threshold: '1' }),
      }),
    ]);
    expect(scaled!.spec.triggers[0]!.metadata.query).toBe(
      'max(swarmscope_autoscaler_desired_replicas{pool="support"})',
    );
    // One actuator per pool: the autoscaler's own Kubernetes targets leave KEDA's workload alone.
    const env = find<Workload>('Deployment', 'autoscaler')!.spec.template.spec.containers[0]!.env!;
    expect(env.find((e) => e.name === 'AUTOSCALER_ACTUATOR')?.value).toBe('kubernetes');
    const targets = (env.find((e) => e.name === 'KUBERNETES_TARGETS')?.value ?? '')
      .split(',')
      .map((t) => t.split('=')[1]);
    expect(targets).not.toContain(`deployment/${scaled!.spec.scaleTargetRef.name}`);
  });
});

describe('the test renderer', () => {
  it('merges lists of named items and replaces other lists, like a strategic merge patch', () => {
    const base = { containers: [{ name: 'a', env: [{ name: 'X', value: '1' }], args: ['--x'] }] };
    const patch = { containers: [{ name: 'a', env: [{ name: 'Y', value: '2' }], args: ['--y'] }, { name: 'b' }] };
    expect(strategicMerge(base, patch)).toEqual({
      containers: [
        {
          name: 'a',
          env: [
            { name: 'X', value: '1' },
            { name: 'Y', value: '2' },
          ],
          args: ['--y'],
        },
        { name: 'b' },
      ],
    });
  });
});
