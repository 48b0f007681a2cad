import { readYaml } from './repo';

export interface ComposeService {
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  profiles?: string[];
}

/** docker-compose.yml's services (YAML anchors merged, as compose merges them). */
export const composeServices = readYaml<{ services: Record<string, ComposeService> }>('docker-compose.yml').services;

/** Compose's `${NAME:-default}` / `${NAME}` interpolation; `shell` holds the variables set where compose runs. */
export const interpolate = (value: string, shell: Record<string, string>): string =>
  value.replace(
    /\$\{([A-Z_][A-Z0-9_]*)(?::-([^}]*))?\}/g,
    (_whole, name: string, fallback?: string) => shell[name] ?? fallback ?? '',
  );

/** The environment compose gives a service, interpolated with `shell`. */
export function composeEnvironment(name: string, shell: Record<string, string> = {}): Record<string, string> {
  return Object.fromEntries(
    Object.entries(composeServices[name]!.environment ?? {}).map(([key, value]) => [
      key,
      interpolate(String(value), shell),
    ]),
  );
}
