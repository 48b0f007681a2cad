import { HttpError } from '@swarmscope/core';
import { validateBatch } from './ingest-batch';

const now = 1_732_350_000_000;
const limits = { maxItems: 3, maxAgeMs: 3_600_000, maxFutureMs: 300_000 };
const good = { agentId: 'a-1', model: 'gpt-4o', metrics: { response_time_seconds: 0.4, requests: 1, errors: 0 }, quality: { accuracy: 0.9 } };

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
        reports: [
          { ...good, metrics: { cpu_percent: -5 } },
          good,
          { ...good, agentId: '' },
        ],
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
    ['a string where a number belongs', { agentId: 'a', metrics: { cpu_percent: '37' } }, 'reports.0.metrics.cpu_percent'],
    ['a negative count', { agentId: 'a', metrics: { input_tokens: -1 } }, 'reports.0.metrics.input_tokens'],
    ['a fractional count', { agentId: 'a', metrics: { requests: 1.5 } }, 'reports.0.metrics.requests'],
    ['more errors than requests', { agentId: 'a', metrics: { requests: 1, errors: 2 } }, 'reports.0.metrics.errors'],
    ['an infinite number (what an overflowing literal parses to)', { agentId: 'a', metrics: { custom_score: Number.POSITIVE_INFINITY } }, 'reports.0.metrics.custom_score'],
    ['a metric name that is not snake_case', { agentId: 'a', metrics: { 'CPU Usage': 3 } }, 'reports.0.metrics.CPU Usage'],
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
      { reports: [{ agentId: 'a', timestamp: 0 }, { agentId: 'b', timestamp: now + 3_600_000 }, { agentId: 'c', timestamp: now - 1000 }] },
      now,
      limits,
    );
    expect(result.items.map((r) => r.agentId)).toEqual(['c']);
    expect(result.rejected.timestamp_out_of_range).toBe(2);
    expect(result.errors.map((e) => e.message)).toEqual(['older than 3600 s (the window retention)', 'more than 300 s in the future']);
  });

  it('refuses bodies that are not batches with a 400 naming the field', () => {
    expect(rejects([good]).toJSON().error).toMatchObject({ code: 'SWS_INVALID_FIELD', message: 'body: must be an object {"reports": [...]}' });
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
    const result = validateBatch({ reports: [{ ...good, pool: 'support team' }, { ...good, pool: 'support-eu.1' }] }, now, limits);
    expect(result.errors).toEqual([{ index: 0, path: 'reports.0.pool', message: 'may only hold letters, digits and . _ : -' }]);
    expect(result.items.map((r) => r.pool)).toEqual(['support-eu.1']);
  });

  it('refuses numbers past ±1e15, which would overflow sums over the fleet', () => {
    const result = validateBatch({ reports: [{ ...good, metrics: { requests: 1e308, errors: 0 } }, { ...good, metrics: { queue_depth: -2e15 } }, { ...good, metrics: { memory_bytes: 1e15 } }] }, now, limits);
    expect(result.errors).toEqual([
      { index: 0, path: 'reports.0.metrics.requests', message: 'must be between -1e15 and 1e15' },
      { index: 1, path: 'reports.1.metrics.queue_depth', message: 'must be between -1e15 and 1e15' },
    ]);
    expect(result.items).toHaveLength(1);
  });
});
