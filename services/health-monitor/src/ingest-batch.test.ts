import { HttpError } from '@swarmscope/core';
import { validateBatch } from './ingest-batch';

const now = 1_732_350_000_000;
const limits = { maxItems: 3, maxAgeMs: 3_600_000, maxFutureMs: 300_000 };
const good = {
  agentId: 'a-1',
  model: 'gpt-4o',
  metrics: { response_time_seconds: 0.4, requests: 1, errors: 0 },
  quality: { accuracy: 0.9 },
};

function rejects(body: unknown): HttpError {
  try {
    validateBatch(body, now, limits);
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
  throw new Error('expected the batch to be refused');
}

describe('validateBatch', () => {
  it('keeps valid reports, fills the timestamp, and leaves unknown metadata for the registry', () => {
    const result = validateBatch({ reports: [good] }, now, limits);
    expect(result.errors).toEqual([]);
    expect(result.items).toEqual([{ ...good, timestamp: now }]);
  });

  it('refuses bad reports one by one, naming index and field, and keeps the rest (partial success)', () => {
    const result = validateBatch(
      {
        reports: [{ ...good, metrics: { cpu_percent: -5 } }, good, { ...good, agentId: '' }],
      },
      now,
      limits,
    );
    expect(result.items).toHaveLength(1);
    expect(result.rejected).toEqual({ invalid_field: 2, timestamp_out_of_range: 0, series_limit: 0 });
    expect(result.errors).toEqual([
      { index: 0, path: 'reports.0.metrics.cpu_percent', message: 'must be ≥ 0' },
      { index: 2, path: 'reports.2.agentId', message: 'must not be empty' },
    ]);
  });

  it.each([
    ['a missing agent id', { metrics: {} }, 'reports.0.agentId'],
    ['an over-long agent id', { agentId: 'x'.repeat(129) }, 'reports.0.agentId'],
    ['an id with spaces', { agentId: 'a b' }, 'reports.0.agentId'],
    [
      'a string where a number belongs',
      { agentId: 'a', metrics: { cpu_percent: '37' } },
      'reports.0.metrics.cpu_percent',
    ],
    ['a negative count', { agentId: 'a', metrics: { input_tokens: -1 } }, 'reports.0.metrics.input_tokens'],
    ['a fractional count', { agentId: 'a', metrics: { requests: 1.5 } }, 'reports.0.metrics.requests'],
    ['more errors than requests', { agentId: 'a', metrics: { requests: 1, errors: 2 } }, 'reports.0.metrics.errors'],
    [
      'an infinite number (what an overflowing literal parses to)',
      { agentId: 'a', metrics: { custom_score: Number.POSITIVE_INFINITY } },
      'reports.0.metrics.custom_score',
    ],
    [
      'a metric name that is not snake_case',
      { agentId: 'a', metrics: { 'CPU Usage': 3 } },
      'reports.0.metrics.CPU Usage',
    ],
    ['a quality score above 1', { agentId: 'a', quality: { accuracy: 1.2 } }, 'reports.0.quality.accuracy'],
    ['a timestamp in seconds with a fraction', { agentId: 'a', timestamp: 1.5 }, 'reports.0.timestamp'],
    ['a null report', null, 'reports.0'],
  ])('names the field for %s', (_name, report, path) => {
    const result = validateBatch({ reports: [report] }, now, limits);
    expect(result.items).toEqual([]);
    expect(result.errors[0]?.path).toBe(path);
    expect(result.errors[0]?.message).toEqual(expect.any(String));
  });

  it('refuses absurd timestamps: before the retention and too far in the future', () => {
    const result = validateBatch(
      {
        reports: [
          { agentId: 'a', timestamp: 0 },
          { agentId: 'b', timestamp: now + 3_600_000 },
          { agentId: 'c', timestamp: now - 1000 },
        ],
      },
      now,
      limits,
    );
    expect(result.items.map((r) => r.agentId)).toEqual(['c']);
    expect(result.rejected.timestamp_out_of_range).toBe(2);
    expect(result.errors.map((e) => e.message)).toEqual([
      'older than 3600 s (the window retention)',
      'more than 300 s in the future (MAX_FUTURE_SKEW_SECONDS)',
    ]);
  });

  it('refuses bodies that are not batches with a 400 naming the field', () => {
    expect(rejects([good]).toJSON().error).toMatchObject({
      code: 'SWS_INVALID_FIELD',
      message: 'body: must be an object {"reports": [...]}',
    });
    expect(rejects({}).message).toBe('reports: is required');
    expect(rejects({ reports: 'x' }).message).toBe('reports: must be an array');
    expect(rejects({ reports: [] }).message).toBe('reports: must hold at least one item');
  });

  it('refuses a batch over the limit with 413', () => {
    const error = rejects({ reports: [good, good, good, good] });
    expect(error.status).toBe(413);
    expect(error.code).toBe('SWS_BATCH_TOO_LARGE');
  });

  it('refuses a pool name outside the id charset, which the autoscaler could not act on', () => {
    const result = validateBatch(
      {
        reports: [
          { ...good, pool: 'support team' },
          { ...good, pool: 'support-eu.1' },
        ],
      },
      now,
      limits,
    );
    expect(result.errors).toEqual([
      { index: 0, path: 'reports.0.pool', message: 'may only hold letters, digits and . _ : -' },
    ]);
    expect(result.items.map((r) => r.pool)).toEqual(['support-eu.1']);
  });

  it('refuses numbers past ±1e15, which would overflow sums over the fleet', () => {
    const result = validateBatch(
      {
        reports: [
          { ...good, metrics: { requests: 1e308, errors: 0 } },
          { ...good, metrics: { queue_depth: -2e15 } },
          { ...good, metrics: { memory_bytes: 1e15 } },
        ],
      },
      now,
      limits,
    );
    expect(result.errors).toEqual([
      { index: 0, path: 'reports.0.metrics.requests', message: 'must be between -1e15 and 1e15' },
      { index: 1, path: 'reports.1.metrics.queue_depth', message: 'must be between -1e15 and 1e15' },
    ]);
    expect(result.items).toHaveLength(1);
  });

  describe('tools (usage by tool name)', () => {
    const withTools = (tools: unknown) => ({ ...good, metrics: { ...good.metrics, tool_calls: 3 }, tools });

    it('keeps valid tool usage as sent, errors and duration optional', () => {
      const tools = {
        web_search: { calls: 2, errors: 1, durationSeconds: 0.8 },
        explain_incident_anomalies_v1: { calls: 1 },
      };
      const result = validateBatch({ reports: [withTools(tools)] }, now, limits);
      expect(result.errors).toEqual([]);
      expect(result.items[0]!.tools).toEqual(tools);
    });

    it('takes exactly 32 tools and names of 256 characters', () => {
      const many = Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`tool_${i}`, { calls: 1 }]));
      const long = { ['t'.repeat(256)]: { calls: 1 } };
      expect(validateBatch({ reports: [withTools(many), withTools(long)] }, now, limits).errors).toEqual([]);
    });

    it.each([
      [
        'a list instead of a map',
        [{ name: 'search', calls: 1 }],
        'reports.0.tools',
        'must be an object of tool name → {"calls", "errors?", "durationSeconds?"}',
      ],
      [
        'a number instead of the usage',
        { search: 3 },
        'reports.0.tools.search',
        'must be an object {"calls", "errors?", "durationSeconds?"}',
      ],
      ['missing calls', { search: { errors: 0 } }, 'reports.0.tools.search.calls', 'must be a number'],
      ['fractional calls', { search: { calls: 1.5 } }, 'reports.0.tools.search.calls', 'must be a whole number ≥ 0'],
      [
        'negative errors',
        { search: { calls: 1, errors: -1 } },
        'reports.0.tools.search.errors',
        'must be a whole number ≥ 0',
      ],
      [
        'more errors than calls',
        { search: { calls: 1, errors: 2 } },
        'reports.0.tools.search.errors',
        'must not exceed calls (1)',
      ],
      [
        'a negative duration',
        { search: { calls: 1, durationSeconds: -0.1 } },
        'reports.0.tools.search.durationSeconds',
        'must be ≥ 0',
      ],
      [
        'a duration past 1e15',
        { search: { calls: 1, durationSeconds: 1e16 } },
        'reports.0.tools.search.durationSeconds',
        'must be between -1e15 and 1e15',
      ],
      ['an empty tool name', { '': { calls: 1 } }, 'reports.0.tools', 'tool name must not be empty'],
      [
        'a tool name of 257 characters',
        { ['t'.repeat(257)]: { calls: 1 } },
        'reports.0.tools',
        `tool name must be at most 256 characters, got 257 ("${'t'.repeat(32)}…")`,
      ],
      [
        '33 tools',
        Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`tool_${i}`, { calls: 1 }])),
        'reports.0.tools',
        'at most 32 tools per report, got 33',
      ],
    ])('refuses %s, naming the field, and keeps the rest of the batch', (_name, tools, path, message) => {
      const result = validateBatch({ reports: [withTools(tools), good] }, now, limits);
      expect(result.items.map((r) => r.agentId)).toEqual(['a-1']);
      expect(result.items[0]!.tools).toBeUndefined();
      expect(result.rejected.invalid_field).toBe(1);
      expect(result.errors).toEqual([{ index: 0, path, message }]);
    });
  });
});
