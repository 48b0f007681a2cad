import { inProcessPlatform } from './in-process-platform';
import { runOutage, type OutagePlatform, type OutageResult } from './outage';
import { freePort } from '@swarmscope/testkit';

const fleet = {
  batchSize: 500,
  flushIntervalMs: 200,
  maxQueue: 5000,
  maxInteractionQueue: 2000,
  maxInFlight: 2,
  maxRetries: 1_000_000,
  backoff: { baseMs: 50, maxMs: 400 },
};

/** `swarmscope bench platform-down` keeps the real thing (minutes down); here the outage lasts seconds. */
describe('the platform down under a 10,000-agent simulator', () => {
  let platform: OutagePlatform;
  let result: OutageResult;
  beforeAll(async () => {
    platform = inProcessPlatform(await freePort());
    result = await runOutage(platform, {
      agents: 10_000,
      requestsPerSecond: 0.2,
      upMs: 3000,
      downMs: 6000,
      resumeTimeoutMs: 20_000,
      fleet,
    });
  }, 120_000);
  afterAll(async () => {
    await platform.stop();
  });

  it('keeps the SDK within its bound while the platform is down, and drops rather than grows', () => {
    const down = result.samples.filter((s) => s.phase === 'down');
    expect(down.length).toBeGreaterThanOrEqual(3);
    for (const s of down) {
      expect(s.reports.queued).toBeLessThanOrEqual(fleet.maxQueue);
      expect(s.reports.inFlight).toBeLessThanOrEqual(fleet.maxInFlight * fleet.batchSize);
      expect(s.interactions.queued).toBeLessThanOrEqual(fleet.maxInteractionQueue);
      expect(s.interactions.inFlight).toBeLessThanOrEqual(fleet.maxInFlight * fleet.batchSize);
    }
    // Six seconds of ~4,000 reports/s overflow a queue of 5,000: the oldest are dropped, and counted.
    expect(down[down.length - 1]!.reports.dropped).toBeGreaterThan(0);
    // Nothing is acknowledged while the platform is down.
    for (const s of down.filter((s) => s.atMs >= result.downSettledAtMs))
      expect(s.reports.sent).toBe(result.sentAtDown);
  });

  it('resumes reporting by itself once the health-monitor is back on the same port', () => {
    expect(result.resumedAfterMs).toBeDefined();
    expect(result.final.reports.sent).toBeGreaterThan(result.sentAtBack);
  });

  it('counts every report exactly: recorded = acknowledged + dropped (+ refused), and the server saw what was acknowledged', () => {
    for (const stats of [result.final.reports, result.final.interactions]) {
      expect(stats.queued).toBe(0);
      expect(stats.inFlight).toBe(0);
      expect(stats.rejected).toBe(0);
      expect(stats.sent + stats.dropped).toBe(stats.recorded);
    }
    // Graceful stops answer every batch they took: no acknowledgement was lost, none counted twice.
    expect(result.serverAcknowledged).toBe(result.final.reports.sent);
  });
});
