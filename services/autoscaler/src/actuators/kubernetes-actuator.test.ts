import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKubeStandIn, type KubeStandIn } from '../test-support/kube-api-stand-in';
import { requestJson } from './http-json';
import { KubernetesActuator, parseTargets } from './kubernetes-actuator';
import { inClusterCredentials, kubeconfigCredentials, type KubernetesCredentials } from './kubernetes-credentials';

const TOKEN = 'sa-token-1';

describe('the Kubernetes API stand-in (wire format of the scale subresource)', () => {
  let api: KubeStandIn;
  beforeAll(async () => {
    api = await startKubeStandIn({
      token: TOKEN,
      workloads: [{ namespace: 'agents', kind: 'deployments', name: 'support', replicas: 3 }],
    });
  });
  afterAll(() => api.close());
  const path = '/apis/apps/v1/namespaces/agents/deployments/support/scale';
  const auth = { authorization: `Bearer ${TOKEN}` };

  it('answers a Scale object, and Status objects with the API server codes and reasons', async () => {
    const scale = await requestJson({ method: 'GET', url: api.url + path, headers: auth });
    expect(scale).toMatchObject({
      status: 200,
      body: {
        apiVersion: 'autoscaling/v1',
        kind: 'Scale',
        metadata: { name: 'support', namespace: 'agents' },
        spec: { replicas: 3 },
        status: { replicas: 3 },
      },
    });
    expect(await requestJson({ method: 'GET', url: api.url + path })).toMatchObject({
      status: 401,
      body: { kind: 'Status', reason: 'Unauthorized', code: 401 },
    });
    expect(
      await requestJson({ method: 'GET', url: api.url + path.replace('support', 'nope'), headers: auth }),
    ).toMatchObject({ status: 404, body: { reason: 'NotFound', message: 'deployments.apps "nope" not found' } });
    const wrongType = await requestJson({
      method: 'PATCH',
      url: api.url + path,
      headers: { ...auth, 'content-type': 'application/json' },
      body: { spec: { replicas: 4 } },
    });
    expect(wrongType).toMatchObject({ status: 415, body: { reason: 'UnsupportedMediaType' } });
    const negative = await requestJson({
      method: 'PATCH',
      url: api.url + path,
      headers: { ...auth, 'content-type': 'application/merge-patch+json' },
      body: { spec: { replicas: -1 } },
    });
    expect(negative).toMatchObject({
      status: 422,
      body: { reason: 'Invalid', details: { causes: [{ field: 'spec.replicas', reason: 'FieldValueInvalid' }] } },
    });
    expect(api.replicas('agents', 'deployments', 'support')).toBe(3);
  });
});

describe('KubernetesActuator', () => {
  let api: KubeStandIn;
  let credentials: KubernetesCredentials;
  beforeEach(async () => {
    api = await startKubeStandIn({
      token: TOKEN,
      workloads: [
        { namespace: 'agents', kind: 'deployments', name: 'support', replicas: 3 },
        { namespace: 'agents', kind: 'statefulsets', name: 'coding-agents', replicas: 2 },
      ],
    });
    credentials = { server: api.url, token: async () => TOKEN };
  });
  afterEach(() => api.close());

  it('reads spec.replicas and PATCHes the scale subresource with a merge patch, for Deployments and StatefulSets', async () => {
    const actuator = new KubernetesActuator({
      credentials,
      namespace: 'agents',
      targets: parseTargets('coding=statefulset/coding-agents'),
    });
    expect(await actuator.currentReplicas(['support', 'coding', 'unknown'])).toEqual(
      new Map([
        ['support', 3],
        ['coding', 2],
      ]),
    );
    await actuator.scale({ pool: 'support', replicas: 7 });
    await actuator.scale({ pool: 'coding', replicas: 5 });
    expect(api.replicas('agents', 'deployments', 'support')).toBe(7);
    expect(api.replicas('agents', 'statefulsets', 'coding-agents')).toBe(5);
    const patch = api.requests.find((r) => r.method === 'PATCH')!;
    expect(patch).toMatchObject({
      path: '/apis/apps/v1/namespaces/agents/deployments/support/scale',
      contentType: 'application/merge-patch+json',
      authorization: `Bearer ${TOKEN}`,
      body: { spec: { replicas: 7 } },
    });
  });

  it('fails with the API server message: bad token, unknown workload, negative replicas', async () => {
    const wrong = new KubernetesActuator({
      credentials: { server: api.url, token: async () => 'stale' },
      namespace: 'agents',
    });
    await expect(wrong.scale({ pool: 'support', replicas: 4 })).rejects.toMatchObject({
      status: 401,
      message: expect.stringMatching(/401 Unauthorized/),
    });
    const actuator = new KubernetesActuator({ credentials, namespace: 'agents' });
    await expect(actuator.scale({ pool: 'ghost', replicas: 4 })).rejects.toMatchObject({
      status: 404,
      message: expect.stringMatching(/deployments.apps "ghost" not found/),
    });
    await expect(actuator.scale({ pool: 'support', replicas: -2 })).rejects.toMatchObject({
      status: 422,
      message: expect.stringMatching(/spec.replicas: Invalid value: -2/),
    });
  });

  it('refuses malformed targets naming the entry', () => {
    expect(() => parseTargets('coding=daemonset/x')).toThrow(
      '"coding=daemonset/x" is not pool=deployment/<name> or pool=statefulset/<name>',
    );
  });
});

describe('Kubernetes credentials', () => {
  it('in-cluster: service host and port, the token re-read per call, the namespace file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sa-'));
    await writeFile(join(dir, 'token'), 'first\n');
    await writeFile(join(dir, 'namespace'), 'agents');
    await writeFile(join(dir, 'ca.crt'), 'PEM');
    const credentials = await inClusterCredentials(
      { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' },
      dir,
    );
    expect(credentials).toMatchObject({ server: 'https://10.0.0.1:443', namespace: 'agents' });
    expect(await credentials.token()).toBe('first');
    await writeFile(join(dir, 'token'), 'rotated');
    expect(await credentials.token()).toBe('rotated');
    await expect(inClusterCredentials({}, dir)).rejects.toThrow('KUBERNETES_SERVICE_HOST');
  });

  it('kubeconfig (JSON): the current context server, token and namespace; a clear error for YAML', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kc-'));
    const file = join(dir, 'kubeconfig.json');
    await writeFile(
      file,
      JSON.stringify({
        'current-context': 'dev',
        contexts: [{ name: 'dev', context: { cluster: 'c', user: 'u', namespace: 'agents' } }],
        clusters: [
          {
            name: 'c',
            cluster: {
              server: 'https://k8s.example:6443/',
              'certificate-authority-data': Buffer.from('PEM').toString('base64'),
            },
          },
        ],
        users: [{ name: 'u', user: { token: 'kc-token' } }],
      }),
    );
    const credentials = await kubeconfigCredentials(file);
    expect(credentials).toMatchObject({ server: 'https://k8s.example:6443', namespace: 'agents' });
    expect(credentials.ca?.toString()).toBe('PEM');
    expect(await credentials.token()).toBe('kc-token');
    const yaml = join(dir, 'config');
    await writeFile(yaml, 'apiVersion: v1\nkind: Config\n');
    await expect(kubeconfigCredentials(yaml)).rejects.toThrow(/not JSON; write one with: kubectl config view/);
  });
});
