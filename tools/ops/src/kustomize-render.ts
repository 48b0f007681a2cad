import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

/** A Kubernetes object as the tests read it. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  [key: string]: unknown;
}

interface Kustomization {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  resources?: string[];
  images?: Array<{ name: string; newName?: string; newTag?: string }>;
  patches?: Array<{ path: string }>;
}

const SUPPORTED = new Set(['apiVersion', 'kind', 'namespace', 'resources', 'images', 'patches']);
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition']);

type Json = unknown;

/**
 * Strategic merge as Kubernetes does it for the fields our patches touch: maps merge recursively, lists of objects with
 * a `name` (containers, env, ports by name) merge item by item, other lists are replaced.
 */
export function strategicMerge(target: Json, patch: Json): Json {
  if (Array.isArray(target) && Array.isArray(patch)) {
    const named = (list: Json[]) =>
      list.every(
        (item) => typeof item === 'object' && item !== null && typeof (item as { name?: unknown }).name === 'string',
      );
    if (!named(target) || !named(patch)) return patch;
    const merged = [...target] as Array<{ name: string }>;
    for (const item of patch as Array<{ name: string }>) {
      const at = merged.findIndex((existing) => existing.name === item.name);
      if (at >= 0) merged[at] = strategicMerge(merged[at], item) as { name: string };
      else merged.push(item);
    }
    return merged;
  }
  if (
    typeof target === 'object' &&
    target !== null &&
    typeof patch === 'object' &&
    patch !== null &&
    !Array.isArray(target) &&
    !Array.isArray(patch)
  ) {
    const merged: Record<string, Json> = { ...(target as Record<string, Json>) };
    for (const [key, value] of Object.entries(patch as Record<string, Json>))
      merged[key] = key in merged ? strategicMerge(merged[key], value) : value;
    return merged;
  }
  return patch;
}

function podSpecs(
  object: KubeObject,
): Array<{ containers?: Array<{ image?: string }>; initContainers?: Array<{ image?: string }> }> {
  const template = (object.spec as { template?: { spec?: object } } | undefined)?.template?.spec;
  return template ? [template] : [];
}

/**
 * Renders a kustomization folder the way `kustomize build` does for the features this repository uses (resources,
 * nested bases, namespace, images, strategic-merge patches); any other field is refused rather than ignored.
 */
export function renderKustomization(dir: string): KubeObject[] {
  const kustomization = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as Kustomization;
  const unsupported = Object.keys(kustomization).filter((key) => !SUPPORTED.has(key));
  if (unsupported.length)
    throw new Error(`${dir}/kustomization.yaml: the test renderer does not implement ${unsupported.join(', ')}`);

  let objects: KubeObject[] = (kustomization.resources ?? []).flatMap((resource) => {
    const path = join(dir, resource);
    if (statSync(path).isDirectory()) return renderKustomization(path);
    return parseAllDocuments(readFileSync(path, 'utf8'), { merge: true } as never)
      .map((doc) => doc.toJSON() as KubeObject | null)
      .filter((o): o is KubeObject => o !== null);
  });

  for (const { path } of kustomization.patches ?? []) {
    const patch = parse(readFileSync(join(dir, path), 'utf8'), { merge: true }) as KubeObject;
    const at = objects.findIndex((o) => o.kind === patch.kind && o.metadata.name === patch.metadata.name);
    if (at < 0) throw new Error(`${path}: no ${patch.kind} named ${patch.metadata.name} to patch`);
    objects[at] = strategicMerge(objects[at], patch) as KubeObject;
  }

  for (const image of kustomization.images ?? []) {
    for (const spec of objects.flatMap(podSpecs)) {
      for (const container of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
        const [name, tag] = (container.image ?? '').split(':');
        if (name === image.name) container.image = `${image.newName ?? name}:${image.newTag ?? tag ?? 'latest'}`;
      }
    }
  }

  if (kustomization.namespace) {
    const namespace = kustomization.namespace;
    objects = objects.map((object) => {
      if (CLUSTER_SCOPED.has(object.kind)) return object;
      const copy: KubeObject = { ...object, metadata: { ...object.metadata, namespace } };
      if (object.kind === 'RoleBinding' || object.kind === 'ClusterRoleBinding') {
        const subjects = (object.subjects as Array<{ kind: string; namespace?: string }> | undefined) ?? [];
        copy.subjects = subjects.map((s) => (s.kind === 'ServiceAccount' && !s.namespace ? { ...s, namespace } : s));
      }
      return copy;
    });
  }
  return objects;
}
