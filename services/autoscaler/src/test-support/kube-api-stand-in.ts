import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for the Kubernetes API server's `scale` subresource of Deployments and StatefulSets, speaking its wire
 * format: autoscaling/v1 Scale objects, and Status objects for errors with the API server's codes, reasons and
 * messages — 401 without a valid bearer token, 404 for an unknown workload, 405 for other methods, 415 for a PATCH
 * content type it does not accept, 422 for negative replicas. (A Kubernetes API cannot run on these machines.)
 */
export interface KubeStandIn {
  url: string;
  /** Every request seen: method, path, content type, authorization header. */
  requests: Array<{ method: string; path: string; contentType?: string; authorization?: string; body?: unknown }>;
  replicas(namespace: string, kind: 'deployments' | 'statefulsets', name: string): number | undefined;
  close(): Promise<void>;
}

interface Workload {
  replicas: number;
  uid: string;
  resourceVersion: number;
  created: string;
}

const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
];
const SCALE_PATH = /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/(deployments|statefulsets)\/([^/]+)\/scale$/;

export async function startKubeStandIn(options: {
  token: string;
  workloads: Array<{ namespace: string; kind: 'deployments' | 'statefulsets'; name: string; replicas: number }>;
}): Promise<KubeStandIn> {
  const workloads = new Map<string, Workload>();
  const key = (ns: string, kind: string, name: string) => `${ns}/${kind}/${name}`;
  for (const w of options.workloads)
    workloads.set(key(w.namespace, w.kind, w.name), {
      replicas: w.replicas,
      uid: randomUUID(),
      resourceVersion: 1000,
      created: new Date(0).toISOString(),
    });
  const requests: KubeStandIn['requests'] = [];

  const server: Server = createServer((req, res) => {
    void handle(req, res);
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const contentType = req.headers['content-type']?.split(';')[0]?.trim();
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = raw;
    }
    requests.push({
      method: req.method ?? '',
      path,
      ...(contentType ? { contentType } : {}),
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
      ...(body !== undefined ? { body } : {}),
    });

    if (req.headers.authorization !== `Bearer ${options.token}`)
      return status(res, 401, 'Unauthorized', 'Unauthorized');
    const match = SCALE_PATH.exec(path);
    if (!match) return status(res, 404, 'NotFound', 'the server could not find the requested resource');
    const [, namespace, kind, name] = match as unknown as [string, string, 'deployments' | 'statefulsets', string];
    const workload = workloads.get(key(namespace, kind, name));
    if (!workload)
      return status(res, 404, 'NotFound', `${kind}.apps "${name}" not found`, { name, group: 'apps', kind });
    if (req.method === 'GET') return send(res, 200, scale(namespace, name, workload));
    if (req.method !== 'PATCH' && req.method !== 'PUT')
      return status(res, 405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
    if (req.method === 'PATCH' && !PATCH_TYPES.includes(contentType ?? '')) {
      return status(
        res,
        415,
        'UnsupportedMediaType',
        `the body of the request was in an unknown format - accepted media types include: ${PATCH_TYPES.join(', ')}`,
      );
    }
    const replicas = requestedReplicas(contentType, body, workload.replicas);
    if (replicas === undefined)
      return status(res, 400, 'BadRequest', 'the request body could not be decoded as a patch of spec.replicas');
    if (!Number.isInteger(replicas) || replicas < 0) {
      const message = `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`;
      return status(res, 422, 'Invalid', `Scale.autoscaling "${name}" is invalid: spec.replicas: ${message}`, {
        name,
        group: 'autoscaling',
        kind: 'Scale',
        causes: [{ reason: 'FieldValueInvalid', message, field: 'spec.replicas' }],
      });
    }
    workload.replicas = replicas;
    workload.resourceVersion++;
    send(res, 200, scale(namespace, name, workload));
  }

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    replicas: (namespace, kind, name) => workloads.get(key(namespace, kind, name))?.replicas,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** spec.replicas from a merge/strategic patch `{"spec":{"replicas":n}}` or a JSON patch replacing /spec/replicas. */
function requestedReplicas(contentType: string | undefined, body: unknown, current: number): number | undefined {
  if (contentType === 'application/json-patch+json') {
    if (!Array.isArray(body)) return undefined;
    let replicas: unknown = current;
    for (const op of body as Array<{ op?: string; path?: string; value?: unknown }>)
      if ((op.op === 'replace' || op.op === 'add') && op.path === '/spec/replicas') replicas = op.value;
    return typeof replicas === 'number' ? replicas : undefined;
  }
  const replicas = (body as { spec?: { replicas?: unknown } } | undefined)?.spec?.replicas;
  if (replicas === undefined) return current;
  return typeof replicas === 'number' ? replicas : undefined;
}

function scale(namespace: string, name: string, w: Workload) {
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name, namespace, uid: w.uid, resourceVersion: String(w.resourceVersion), creationTimestamp: w.created },
    spec: { replicas: w.replicas },
    status: { replicas: w.replicas, selector: `app=${name}` },
  };
}

function status(
  res: ServerResponse,
  code: number,
  reason: string,
  message: string,
  details?: Record<string, unknown>,
): void {
  send(res, code, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  });
}

function send(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
