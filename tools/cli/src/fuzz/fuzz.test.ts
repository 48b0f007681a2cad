import { EDGE_CASES, runEdgeCases } from './edge-cases';
import { fuzzCases } from './payloads';
import { runFuzzCases } from './fuzz-run';
import { startFuzzPlatform, type FuzzPlatform } from './platform';

/** The CI guard of `swarmscope bench fuzz`: a few thousand seeded cases against the five real services. */
describe('fuzzing every POST endpoint', () => {
  let platform: FuzzPlatform;
  beforeAll(async () => {
    platform = await startFuzzPlatform();
  });
  afterAll(async () => {
    await platform.stop();
  });

  it('answers every row of the known edge cases as expected, on every service (415 for non-JSON bodies, 400 naming the field)', async () => {
    const { sent, mismatches } = await runEdgeCases(platform.urls);
    expect(mismatches).toEqual([]);
    expect(sent).toBe(EDGE_CASES.length);
    expect(new Set(EDGE_CASES.map((c) => c.service)).size).toBe(5);
  });

  it('answers every random or mutated payload with a 2xx or a 4xx JSON error, never a 5xx, and keeps serving', async () => {
    const tally = await runFuzzCases(fuzzCases(20_251_201, 3000, Date.now()), platform.urls, 8);
    expect(tally.failures).toEqual([]);
    expect(tally.fiveXx).toBe(0);
    expect(tally.notJsonAccepted).toBe(0);
    expect(tally.noAnswer).toBe(0);
    expect(tally.sent).toBe(3000);
    // The mix reached the code behind validation too, not only the refusals.
    const accepted = Object.entries(tally.byStatus)
      .filter(([status]) => status.startsWith('2'))
      .reduce((sum, [, n]) => sum + n, 0);
    expect(accepted).toBeGreaterThan(300);
    expect(Object.keys(tally.byStatus).some((status) => status.startsWith('400'))).toBe(true);
    for (const url of Object.values(platform.urls)) expect((await fetch(`${url}/healthz`)).status).toBe(200);
  }, 300_000); // a bound for a loaded machine, not a timing assertion
});
