/** What a key may do: `read` the APIs, `ingest` telemetry, `admin` everything (policies, analysis, scaling). */
export const SCOPES = ['read', 'ingest', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export interface ApiKey {
  /** The secret a client sends as `Authorization: Bearer <secret>`. */
  secret: string;
  scope: Scope;
  /** A name safe to log: the scope and the key's position in API_KEYS (`ingest#1`), never the secret. */
  id: string;
}

/**
 * Parses `API_KEYS` entries: `scope:secret` (scope one of read, ingest, admin), or a bare `secret`, which is an admin
 * key — the form before scopes, kept so existing deployments go on working. A prefix that is not a scope is part of
 * the secret (`abc:def` is the unscoped key "abc:def").
 */
export function parseApiKeys(entries: readonly string[]): ApiKey[] {
  return entries.map((entry, index) => {
    const colon = entry.indexOf(':');
    const prefix = colon > 0 ? entry.slice(0, colon) : '';
    const scoped = (SCOPES as readonly string[]).includes(prefix) && colon < entry.length - 1;
    const scope: Scope = scoped ? (prefix as Scope) : 'admin';
    return { secret: scoped ? entry.slice(colon + 1) : entry, scope, id: `${scope}#${index + 1}` };
  });
}

/** Whether a key of scope `held` may call a route that needs `needed`: admin may do anything, the others only their own. */
export const grants = (held: Scope, needed: Scope): boolean => held === 'admin' || held === needed;

/** The secret of the first entry whose key may call routes of `scope` (what an embedded client of the platform sends). */
export function secretFor(entries: readonly string[], scope: Scope): string | undefined {
  return parseApiKeys(entries).find((key) => grants(key.scope, scope))?.secret;
}
