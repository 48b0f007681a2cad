import { isPlainValidReport, reportSchema } from './report-schema';

/** mulberry32: a small seeded generator, so a failing case can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const base = () => ({
  agentId: 'agent-1',
  timestamp: 1_732_350_000_000,
  model: 'gpt-4o',
  pool: 'support',
  type: 'general',
  labels: { region: 'eu' },
  metrics: {
    response_time_seconds: 0.4,
    requests: 2,
    errors: 1,
    input_tokens: 500,
    cpu_percent: 30,
    custom_score: -3.5,
  },
  quality: { accuracy: 0.9 },
  tools: { web_search: { calls: 2, errors: 1, durationSeconds: 0.3 } },
});

/** Values at and around every limit and type the schema has an opinion about. */
const VALUES: unknown[] = [
  0,
  -0,
  1,
  -1,
  0.5,
  1.5,
  2,
  1e15,
  -1e15,
  1e16,
  -1e16,
  2 ** 53,
  2 ** 53 + 2,
  1.7e308,
  '1',
  '',
  'x',
  'a b',
  'a'.repeat(64),
  'a'.repeat(65),
  'a'.repeat(128),
  'a'.repeat(129),
  'a'.repeat(256),
  'a'.repeat(257),
  null,
  true,
  [],
  [1],
  {},
  { calls: 1 },
  { calls: 1, errors: 2 },
  { calls: 1, extra: 1 },
  { calls: -1 },
  { calls: 1.5 },
  { calls: 1, durationSeconds: -1 },
  { a: 1 },
  { a: 'x' },
];
const KEYS = [
  'agentId',
  'timestamp',
  'model',
  'pool',
  'type',
  'labels',
  'metrics',
  'quality',
  'tools',
  'metric',
  '__proto__',
  'constructor',
];
const NAMES = [
  'requests',
  'errors',
  'input_tokens',
  'tool_calls',
  'cpu_percent',
  'cost_usd',
  'accuracy',
  'x',
  'Bad',
  '_x',
  '__proto__',
  'a'.repeat(64),
  'a'.repeat(65),
  '',
  'tool name',
];

function mutate(report: Record<string, unknown>, next: () => number): void {
  const pick = <T>(list: readonly T[]): T => structuredClone(list[Math.floor(next() * list.length)]!);
  const target = pick(KEYS);
  const roll = next();
  if (roll < 0.15) delete report[target];
  else if (target === '__proto__')
    Object.defineProperty(report, target, {
      value: pick(VALUES),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  else if (roll < 0.45 || typeof report[target] !== 'object' || report[target] === null) report[target] = pick(VALUES);
  else {
    // Inside a map: a new or changed entry, or many entries past a limit.
    const map = report[target] as Record<string, unknown>;
    if (next() < 0.1)
      for (let i = 0; i < 70; i++) map[`n_${i}`] = target === 'tools' ? { calls: 1 } : target === 'labels' ? 'v' : 0.5;
    else
      Object.defineProperty(map, pick(NAMES), {
        value: pick(VALUES),
        enumerable: true,
        writable: true,
        configurable: true,
      });
  }
}

describe('isPlainValidReport (the compiled ingest check)', () => {
  it('agrees with reportSchema on fuzzed reports, and a report it passes is exactly what reportSchema returns', () => {
    const next = random(25);
    let accepted = 0;
    for (let i = 0; i < 5000; i++) {
      const report: Record<string, unknown> = base();
      const mutations = Math.floor(next() * 4);
      for (let m = 0; m < mutations; m++) mutate(report, next);
      // As a request body arrives: JSON.parse makes `__proto__` an own key, as an attacker would send it.
      const input: unknown = JSON.parse(JSON.stringify(report).replace('"constructor"', '"__proto__"'));
      const parsed = reportSchema.safeParse(input);
      const fast = isPlainValidReport(input);
      if (fast !== parsed.success)
        throw new Error(
          `case ${i}: fast ${fast}, zod ${parsed.success} for ${JSON.stringify(input)}: ${JSON.stringify(parsed.error?.issues)}`,
        );
      if (fast) {
        accepted++;
        expect(parsed.data).toEqual(input);
      }
    }
    // Both verdicts were exercised, many times each.
    expect(accepted).toBeGreaterThan(500);
    expect(accepted).toBeLessThan(4500);
  });

  it('gives the same verdicts on names it has seen before, and past the names it keeps (a client inventing names)', () => {
    const reportWith = (name: string) =>
      JSON.parse(`{"agentId":"a","metrics":{"${name}":1},"quality":{"${name}":0.5}}`);
    for (let round = 0; round < 2; round++) {
      for (const name of ['custom_metric', 'Bad', '_x', 'a'.repeat(65)]) {
        expect(isPlainValidReport(reportWith(name))).toBe(reportSchema.safeParse(reportWith(name)).success);
      }
    }
    for (let i = 0; i < 12_000; i++) expect(isPlainValidReport(reportWith(`invented_${i}`))).toBe(true);
    expect(isPlainValidReport(reportWith('invented_past_the_cap'))).toBe(true);
    expect(isPlainValidReport(reportWith('Invented'))).toBe(false);
    expect(isPlainValidReport(reportWith('custom_metric'))).toBe(true);
  });

  it('refuses what is not a JSON object, and objects that only look like one', () => {
    expect(isPlainValidReport(null)).toBe(false);
    expect(isPlainValidReport([{ agentId: 'a' }])).toBe(false);
    expect(isPlainValidReport('{"agentId":"a"}')).toBe(false);
    expect(isPlainValidReport(Object.assign(Object.create({ inherited: 1 }) as object, { agentId: 'a' }))).toBe(false);
    expect(isPlainValidReport({ agentId: 'a' })).toBe(true);
  });
});
