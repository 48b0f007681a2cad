import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** The repository's root (tools/ops/src → ../../..). */
export const repoRoot = join(__dirname, '..', '..', '..');

/** An absolute path from a path relative to the repository's root. */
export function repoPath(...parts: string[]): string {
  return join(repoRoot, ...parts);
}

/** Parses a YAML file of the repository (anchors resolved), typed by the caller. */
export function readYaml<T>(relativePath: string): T {
  return parse(readFileSync(repoPath(relativePath), 'utf8'), { merge: true }) as T;
}

export function readJson<T>(relativePath: string): T {
  return JSON.parse(readFileSync(repoPath(relativePath), 'utf8')) as T;
}
