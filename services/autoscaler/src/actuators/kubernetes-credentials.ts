import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Where and how to reach the API server. */
export interface KubernetesCredentials {
  /** `https://host:port` (no trailing slash). */
  server: string;
  /** The bearer token, fresh on every call (a file is re-read: projected tokens rotate). */
  token(): Promise<string>;
  ca?: Buffer;
  /** The namespace the credentials come with (the pod's, or the kubeconfig context's). */
  namespace?: string;
}

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * In-cluster credentials, as client-go's `rest.InClusterConfig` finds them: KUBERNETES_SERVICE_HOST/PORT and the
 * service account's token, ca.crt and namespace files.
 */
export async function inClusterCredentials(
  env: NodeJS.ProcessEnv,
  dir = SERVICE_ACCOUNT_DIR,
): Promise<KubernetesCredentials> {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (!host || !port)
    throw new Error('not in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set');
  const tokenFile = join(dir, 'token');
  await readFile(tokenFile, 'utf8'); // fail at start, not at the first decision
  const ca = await readFile(join(dir, 'ca.crt')).catch(() => undefined);
  const namespace = (await readFile(join(dir, 'namespace'), 'utf8').catch(() => '')).trim();
  return {
    server: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    token: async () => (await readFile(tokenFile, 'utf8')).trim(),
    ...(ca ? { ca } : {}),
    ...(namespace ? { namespace } : {}),
  };
}

interface Kubeconfig {
  'current-context'?: string;
  contexts?: Array<{ name: string; context: { cluster: string; user: string; namespace?: string } }>;
  clusters?: Array<{
    name: string;
    cluster: { server: string; 'certificate-authority-data'?: string; 'certificate-authority'?: string };
  }>;
  users?: Array<{ name: string; user: { token?: string; tokenFile?: string } }>;
}

/**
 * Credentials from a kubeconfig's current context with a bearer token (`token` or `tokenFile`). The file must be
 * JSON (`kubectl config view --raw --minify -o json > kubeconfig.json`): we add no YAML parser for one file;
 * exec and client-certificate users are not supported (the message says so).
 */
export async function kubeconfigCredentials(path: string): Promise<KubernetesCredentials> {
  const text = await readFile(path, 'utf8');
  let config: Kubeconfig;
  try {
    config = JSON.parse(text) as Kubeconfig;
  } catch {
    throw new Error(`${path}: not JSON; write one with: kubectl config view --raw --minify -o json > kubeconfig.json`);
  }
  const contextName = config['current-context'];
  const context = config.contexts?.find((c) => c.name === contextName)?.context;
  if (!context) throw new Error(`${path}: current-context ${JSON.stringify(contextName)} is not among its contexts`);
  const cluster = config.clusters?.find((c) => c.name === context.cluster)?.cluster;
  if (!cluster?.server) throw new Error(`${path}: cluster ${JSON.stringify(context.cluster)} has no server`);
  const user = config.users?.find((u) => u.name === context.user)?.user;
  const tokenFile = user?.tokenFile;
  const inline = user?.token;
  if (!inline && !tokenFile)
    throw new Error(
      `${path}: user ${JSON.stringify(context.user)} has no token or tokenFile (exec and client-certificate users are not supported)`,
    );
  const caData = cluster['certificate-authority-data'];
  const ca = caData
    ? Buffer.from(caData, 'base64')
    : cluster['certificate-authority']
      ? await readFile(cluster['certificate-authority'])
      : undefined;
  return {
    server: cluster.server.replace(/\/+$/, ''),
    token: async () => inline ?? (await readFile(tokenFile!, 'utf8')).trim(),
    ...(ca ? { ca } : {}),
    ...(context.namespace ? { namespace: context.namespace } : {}),
  };
}
