import { deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';

/** The services a fuzz case targets (their POST endpoints). */
export type FuzzService = 'health-monitor' | 'anomaly-detector' | 'emergence-detector' | 'autoscaler' | 'incidents';

/** One request: raw bytes and headers, so bodies that are not JSON at all can be sent too. */
export interface FuzzCase {
  service: FuzzService;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
  /** How the case was made (for the report of a failure). */
  shape: string;
  /** A body in another media type than JSON: whatever else it holds, it must never be accepted (2xx). */
  notJson: boolean;
}

/** The keys the fuzzed platform is started with. */
export const FUZZ_KEYS = { ingest: 'fz-ingest', admin: 'fz-admin' } as const;
/** Body limit of the fuzzed platform: low, so that oversized and inflating bodies are cheap to make. */
export const FUZZ_BODY_LIMIT_BYTES = 256 * 1024;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const STANDARD_METRICS = [
  'response_time_seconds',
  'cpu_percent',
  'memory_bytes',
  'memory_percent',
  'input_tokens',
  'output_tokens',
  'requests',
  'errors',
  'tool_calls',
  'cost_usd',
];
const QUALITY = ['accuracy', 'coherence', 'efficiency', 'adaptability'];
// Values a validator gets wrong most often: edges of ranges and types that look alike.
const SPECIALS: Json[] = [
  null,
  true,
  false,
  0,
  -0,
  -1,
  1,
  0.5,
  1.5,
  2 ** 31,
  2 ** 53 + 2,
  -(2 ** 53),
  1e308,
  -1e308,
  5e-324,
  '',
  ' ',
  '0',
  'NaN',
  'Infinity',
  '__proto__',
  'constructor',
  'x'.repeat(300),
  '\u0000',
  '\ud800',
  '💥',
  [],
  {},
  [null],
  { __proto__: null } as unknown as Json,
];

/** Bounded agent ids: a fleet is a bounded set, so the heap measures leaks rather than registry growth. */
const agentId = fc.oneof(
  { weight: 9, arbitrary: fc.nat(999).map((n) => `fz-${n}`) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 160 }) },
);
const name = fc.oneof(
  fc.constantFrom('gpt-4o', 'claude', 'support', 'billing', 'general'),
  fc.string({ maxLength: 140 }),
);
const number = fc.oneof(
  { weight: 6, arbitrary: fc.double({ min: 0, max: 1e4, noNaN: true }) },
  { weight: 2, arbitrary: fc.nat(1000) },
  { weight: 1, arbitrary: fc.constantFrom(...(SPECIALS.filter((v) => typeof v === 'number') as number[])) },
);
const metricName = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...STANDARD_METRICS) },
  { weight: 3, arbitrary: fc.stringMatching(/^[a-z][a-z0-9_]{0,20}$/) },
  { weight: 1, arbitrary: fc.string({ maxLength: 80 }) },
);
const metrics = fc.dictionary(metricName, number, { maxKeys: 12 });
const quality = fc.dictionary(
  fc.oneof(fc.constantFrom(...QUALITY), fc.stringMatching(/^[a-z][a-z_]{0,10}$/)),
  fc.double({ min: 0, max: 1, noNaN: true }),
  { maxKeys: 5 },
);
const labels = fc.dictionary(fc.string({ maxLength: 70 }), fc.string({ maxLength: 40 }), { maxKeys: 6 });
const hex = (length: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${length}}$`));

function timestamp(now: number) {
  return fc.oneof(
    { weight: 8, arbitrary: fc.integer({ min: now - 3_600_000, max: now + 60_000 }) },
    { weight: 1, arbitrary: fc.integer() },
    { weight: 1, arbitrary: fc.double() },
  );
}

const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });
/** Drops keys whose value is undefined (JSON would too, but mutations should only see real keys). */
const defined = (value: Record<string, unknown>): Json => JSON.parse(JSON.stringify(value)) as Json;

function report(now: number) {
  return fc
    .record({
      agentId,
      timestamp: optional(timestamp(now)),
      model: optional(name),
      pool: optional(name),
      type: optional(name),
      labels: optional(labels),
      metrics: optional(metrics),
      quality: optional(quality),
    })
    .map(defined);
}

function interaction(now: number) {
  return fc
    .record({
      from: agentId,
      to: agentId,
      kind: fc.constantFrom('delegation', 'message', 'tool_handoff', 'delegation', 'other'),
      outcome: fc.constantFrom('success', 'error', 'success', 'timeout'),
      latencySeconds: number,
      timestamp: optional(timestamp(now)),
      traceId: optional(hex(32)),
      spanId: optional(hex(16)),
    })
    .map(defined);
}

const policy = fc
  .record({
    pool: fc.constantFrom('support', 'billing', 'research'),
    minReplicas: optional(fc.integer({ min: -2, max: 50 })),
    maxReplicas: optional(fc.integer({ min: 0, max: 200_000 })),
    cpuScaleUpPercent: optional(fc.double({ min: -10, max: 120, noNaN: true })),
    cpuScaleDownPercent: optional(fc.double({ min: -10, max: 120, noNaN: true })),
    cooldownSeconds: optional(fc.integer({ min: -5, max: 100_000 })),
    strategies: optional(
      fc.array(fc.constantFrom('reactive', 'predictive', 'scheduled', 'adaptive', 'cost-optimised', 'bogus'), {
        maxLength: 5,
      }),
    ),
    schedules: optional(
      fc.array(
        fc.record({
          cron: fc.constantFrom('0 9 * * 1-5', '*/5 * * * *', 'not cron', '99 99 99 99 99'),
          minReplicas: fc.integer({ min: -1, max: 20 }),
          timezone: fc.constantFrom('UTC', 'Europe/Paris', 'Mars/Olympus'),
        }),
        { maxLength: 3 },
      ),
    ),
  })
  .map(defined);

interface Endpoint {
  service: FuzzService;
  /** The path, given the case's path parameter (an agent id). */
  path(id: string): string;
  scope: 'ingest' | 'admin';
  body(now: number): fc.Arbitrary<Json>;
}

/** Every POST endpoint of every service. */
export const ENDPOINTS: readonly Endpoint[] = [
  {
    service: 'health-monitor',
    scope: 'ingest',
    path: () => '/v1/ingest',
    body: (now) => fc.record({ reports: fc.array(report(now), { minLength: 1, maxLength: 20 }) }),
  },
  {
    service: 'health-monitor',
    scope: 'ingest',
    path: () => '/v1/interactions',
    body: (now) => fc.record({ interactions: fc.array(interaction(now), { minLength: 1, maxLength: 20 }) }),
  },
  {
    service: 'health-monitor',
    scope: 'ingest',
    path: (id) => `/agents/${id}/register`,
    body: () =>
      fc.record({ model: name, type: optional(name), pool: optional(name), labels: optional(labels) }).map(defined),
  },
  {
    service: 'health-monitor',
    scope: 'ingest',
    path: (id) => `/agents/${id}/metrics`,
    body: (now) =>
      fc
        .record({ timestamp: optional(timestamp(now)), metrics: optional(metrics), quality: optional(quality) })
        .map(defined),
  },
  {
    service: 'anomaly-detector',
    scope: 'ingest',
    path: (id) => `/detect/${id}`,
    body: (now) =>
      fc
        .record({
          timestamp: optional(timestamp(now)),
          model: optional(name),
          pool: optional(name),
          metrics: optional(metrics),
          quality: optional(quality),
        })
        .map(defined),
  },
  {
    service: 'emergence-detector',
    scope: 'admin',
    path: () => '/analyze',
    body: (now) =>
      fc
        .record({
          samples: optional(
            fc.array(
              report(now).map((r) => ({ timestamp: now, ...(r as object) }) as Json),
              { maxLength: 20 },
            ),
          ),
          interactions: optional(
            fc.array(
              interaction(now).map((i) => ({ timestamp: now, ...(i as object) }) as Json),
              { maxLength: 20 },
            ),
          ),
          until: optional(timestamp(now)),
        })
        .map(defined),
  },
  {
    service: 'autoscaler',
    scope: 'admin',
    path: () => '/analyze',
    body: () => fc.record({ pool: optional(fc.constantFrom('support', 'billing', 'nowhere')) }).map(defined),
  },
  { service: 'autoscaler', scope: 'admin', path: () => '/policies', body: () => policy },
  // No incident exists in the fuzzed platform: a valid body meets a 404, the others their 4xx before it.
  {
    service: 'incidents',
    scope: 'admin',
    path: (id) => `/incidents/${id}/ack`,
    body: () => fc.record({ by: optional(name) }).map(defined),
  },
  {
    service: 'incidents',
    scope: 'admin',
    path: (id) => `/incidents/${id}/resolve`,
    body: () => fc.record({ by: optional(name), note: optional(fc.string({ maxLength: 1200 })) }).map(defined),
  },
];

/** A mutation of a valid body: at a path chosen by `at`, replace, delete, or add a sibling. */
const mutation = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom('replace', 'replace', 'delete', 'add'),
  value: fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom(...SPECIALS) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json> },
  ),
  key: fc.oneof(
    fc.constantFrom('__proto__', 'constructor', 'toString', 'reports', 'metrics', 'timestamp', ''),
    fc.string({ maxLength: 12 }),
  ),
});
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

/** Every container and leaf path of a JSON value, root first. */
function paths(
  value: Json,
  prefix: Array<string | number> = [],
  out: Array<Array<string | number>> = [],
): Array<Array<string | number>> {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((item, index) => paths(item, [...prefix, index], out));
  else if (value !== null && typeof value === 'object')
    for (const key of Object.keys(value)) paths(value[key]!, [...prefix, key], out);
  return out;
}

function applyMutation(root: Json, mutation: Mutation): Json {
  // A copy: fast-check hands out shared constants, which a later mutation must not change (or make circular).
  const m = { ...mutation, value: structuredClone(mutation.value) };
  const all = paths(root);
  const path = all[m.at % all.length]!;
  if (path.length === 0) return m.kind === 'replace' ? m.value : root;
  const parent = path.slice(0, -1).reduce<Json>((node, key) => (node as Record<string | number, Json>)[key]!, root) as
    Record<string | number, Json> | Json[];
  const last = path[path.length - 1]!;
  if (m.kind === 'replace') (parent as Record<string | number, Json>)[last] = m.value;
  else if (m.kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else if (Array.isArray(parent)) parent.push(m.value);
  // defineProperty: a key such as "__proto__" becomes an own property, as JSON.parse would make it.
  else Object.defineProperty(parent, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
  return root;
}

/** How the bytes of the body are made from the (possibly mutated) value. */
const ODD_ENCODINGS = [
  'flipped',
  'truncated',
  'proto-text',
  'random-bytes',
  'gzip-garbage',
  'deflate',
  'unknown-encoding',
  'gzip-bomb',
  'oversized',
  'text-plain',
  'xml',
  'form',
  'latin1-charset',
  'no-content-type',
  'empty',
] as const;
/** Encodings whose Content-Type is not JSON (the body may still be JSON text): never accepted. */
const NOT_JSON: ReadonlySet<string> = new Set(['text-plain', 'xml', 'form', 'no-content-type']);
const encoding = fc.oneof(
  { weight: 14, arbitrary: fc.constant('json' as const) },
  { weight: 2, arbitrary: fc.constant('gzip' as const) },
  { weight: 3, arbitrary: fc.constantFrom(...ODD_ENCODINGS) },
);
type Encoding = typeof encoding extends fc.Arbitrary<infer E> ? E : never;

// Mostly the right key, so most bodies reach validation; the rest probe auth.
const authorization = fc.oneof(
  { weight: 20, arbitrary: fc.constant('scope') },
  { weight: 1, arbitrary: fc.constantFrom('admin', 'none', 'wrong', 'ingest', 'basic', 'empty-bearer', 'long') },
);

/** Agent ids in the URL: mostly plain, some URL-encoded oddities and some malformed percent-escapes. */
const pathId = fc.oneof(
  { weight: 8, arbitrary: agentId.map((id) => encodeURIComponent(id)) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '%',
      '%zz',
      '%E0%A4%A',
      '%00',
      '%2F..%2F',
      'a%20b',
      '%F0%9F%92%A5',
      '.',
      '..%2e',
      'x'.repeat(2000),
    ),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }).map((s) => encodeURIComponent(s)) },
);

function fuzzCase(now: number): fc.Arbitrary<FuzzCase> {
  return fc
    .record({
      endpoint: fc.nat(ENDPOINTS.length - 1),
      pure: fc.nat(19),
      random: fc.jsonValue({ maxDepth: 4 }) as fc.Arbitrary<Json>,
      mutations: fc.array(mutation, { maxLength: 3 }),
      encoding,
      auth: authorization,
      id: pathId,
      noise: fc.uint8Array({ minLength: 1, maxLength: 64 }),
      cut: fc.nat(),
    })
    .chain((picks) => ENDPOINTS[picks.endpoint]!.body(now).map((valid) => ({ picks, valid })))
    .map(({ picks, valid }) => {
      const endpoint = ENDPOINTS[picks.endpoint]!;
      // 1 in 20 is random JSON; the rest are valid bodies, half of them mutated.
      let value: Json = structuredClone(picks.pure === 0 ? picks.random : valid);
      const shape =
        picks.pure === 0
          ? 'random'
          : picks.mutations.length > 0 && picks.pure % 2 === 0
            ? `mutated×${picks.mutations.length}`
            : 'valid';
      if (shape.startsWith('mutated')) for (const m of picks.mutations) value = applyMutation(value, m);
      const { body, headers } = encode(value, picks.encoding, picks.noise, picks.cut);
      headers.authorization = authHeader(picks.auth, endpoint.scope) ?? '';
      if (!headers.authorization) delete headers.authorization;
      // An empty body carries nothing to refuse: only a non-JSON type with bytes must be refused.
      const notJson = NOT_JSON.has(picks.encoding) && body.length > 0;
      return {
        service: endpoint.service,
        path: endpoint.path(picks.id),
        headers,
        body,
        shape: `${shape}/${picks.encoding}/${picks.auth}`,
        notJson,
      };
    });
}

function authHeader(kind: string, scope: 'ingest' | 'admin'): string | undefined {
  switch (kind) {
    case 'scope':
      return `Bearer ${FUZZ_KEYS[scope]}`;
    case 'admin':
      return `Bearer ${FUZZ_KEYS.admin}`;
    case 'ingest':
      return `Bearer ${FUZZ_KEYS.ingest}`;
    case 'wrong':
      return 'Bearer not-a-key';
    case 'basic':
      return 'Basic Zno6YmFy';
    case 'empty-bearer':
      return 'Bearer ';
    case 'long':
      return `Bearer ${'k'.repeat(4000)}`;
    default:
      return undefined;
  }
}

function encode(
  value: Json,
  kind: Encoding,
  noise: Uint8Array,
  cut: number,
): { body: Buffer; headers: Record<string, string> } {
  const json = () => Buffer.from(JSON.stringify(value) ?? 'null');
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  switch (kind) {
    case 'json':
      return { body: json(), headers };
    case 'gzip':
      return { body: gzipSync(json()), headers: { ...headers, 'content-encoding': 'gzip' } };
    case 'deflate':
      return { body: deflateSync(json()), headers: { ...headers, 'content-encoding': 'deflate' } };
    case 'flipped': {
      const body = json();
      for (let i = 0; i < noise.length && body.length > 0; i++) body[(cut + i * 7919) % body.length] = noise[i]!;
      return { body, headers };
    }
    case 'truncated': {
      const body = json();
      return { body: body.subarray(0, cut % Math.max(1, body.length)), headers };
    }
    case 'proto-text':
      return {
        body: Buffer.from(
          json().toString().replace('{', '{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}},'),
        ),
        headers,
      };
    case 'random-bytes':
      return { body: Buffer.from(noise), headers };
    case 'gzip-garbage':
      return {
        body: Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), Buffer.from(noise)]),
        headers: { ...headers, 'content-encoding': 'gzip' },
      };
    case 'unknown-encoding':
      return { body: json(), headers: { ...headers, 'content-encoding': 'zstd-9000' } };
    case 'gzip-bomb':
      // A few KB on the wire that inflate past the body limit.
      return {
        body: gzipSync(Buffer.alloc(FUZZ_BODY_LIMIT_BYTES * 4, 0x20)),
        headers: { ...headers, 'content-encoding': 'gzip' },
      };
    case 'oversized':
      return { body: Buffer.from(`{"reports":[${'"x",'.repeat(FUZZ_BODY_LIMIT_BYTES / 4)}"x"]}`), headers };
    case 'text-plain':
      return { body: json(), headers: { 'content-type': 'text/plain' } };
    case 'xml':
      return {
        body: Buffer.from(`<?xml version="1.0"?><body>${json().toString('base64')}</body>`),
        headers: { 'content-type': 'application/xml' },
      };
    case 'form':
      // What `curl -d '{…}'` sends.
      return { body: json(), headers: { 'content-type': 'application/x-www-form-urlencoded' } };
    case 'latin1-charset':
      return { body: json(), headers: { 'content-type': 'application/json; charset=latin1' } };
    case 'no-content-type':
      return { body: json(), headers: {} };
    case 'empty':
      return { body: Buffer.alloc(0), headers };
  }
}

/**
 * `count` fuzz cases from `seed`, made lazily in chunks (the same seed gives the same cases): valid bodies of every
 * POST endpoint, the same mutated (fields replaced, deleted or added), random JSON, and bytes that are not JSON, with
 * odd encodings, content types, sizes, ids in the path and Authorization headers. `now` anchors the timestamps.
 */
export function* fuzzCases(seed: number, count: number, now: number): Generator<FuzzCase> {
  const arbitrary = fuzzCase(now);
  const chunk = 500;
  for (let made = 0, round = 0; made < count; round++) {
    const n = Math.min(chunk, count - made);
    for (const c of fc.sample(arbitrary, { seed: (seed * 1_000_003 + round) | 0, numRuns: n })) yield c;
    made += n;
  }
}
