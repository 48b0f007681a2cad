import { ExcursionEnvelope } from './excursion-envelope';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Observed time in 5-second steps (as an agent reporting every 5 s). */
function observe(e: ExcursionEnvelope, ms: number): void {
  for (let t = 0; t < ms; t += 5000) e.observe(5000);
}

describe('ExcursionEnvelope', () => {
  it('holds maxHoldMs until 1 / budget agent-days are observed (10 at 0.1 a day), then nothing when no excursion was ever seen', () => {
    const e = new ExcursionEnvelope({ maxHoldMs: 120_000, budgetPerDay: 0.1 });
    expect(e.holdMs(3)).toBe(120_000);
    observe(e, 9 * DAY);
    expect(e.holdMs(3)).toBe(120_000);
    // 12 days observed are 10.5 once decayed (30-day half-life).
    observe(e, 3 * DAY);
    expect(e.holdMs(3)).toBe(0);
  });

  it('waits as long as its usual excursions last: 12 a day of ×4–6 for up to 90 s → a ×3–6 shift waits 90 s', () => {
    const e = new ExcursionEnvelope();
    observe(e, 20 * DAY);
    // An excursion every 2 hours: lengths 15–89 s, peaks ×4–6.
    for (let i = 0; i < 240; i++) e.record(4 + (i % 3), 15_000 + ((i * 37) % 75) * 1000);
    expect(e.holdMs(3)).toBe(90_000);
    expect(e.holdMs(6)).toBe(90_000);
    // A shift far beyond its usual peaks (×12: above 6 × the slack of 1.25) had no like: it need not wait.
    expect(e.holdMs(12)).toBe(0);
  });

  it('lets rare long excursions through at the budget: 0.1 a day, one 3-minute excursion in 30 days does not set the hold', () => {
    const e = new ExcursionEnvelope({ maxHoldMs: 600_000, halfLifeMs: 365 * DAY });
    observe(e, 30 * DAY);
    e.record(4, 180_000);
    expect(e.holdMs(4)).toBe(0);
    // Five of them in 30 days (≈ 0.17 a day) do.
    for (let i = 0; i < 4; i++) e.record(4, 180_000);
    expect(e.holdMs(4)).toBe(240_000);
  });

  it('never holds longer than maxHoldMs, and does not learn excursions that long (more likely faults)', () => {
    const e = new ExcursionEnvelope({ maxHoldMs: 100_000 });
    observe(e, 20 * DAY);
    for (let i = 0; i < 20; i++) e.record(3, 500_000);
    expect(e.holdMs(3)).toBe(0);
    // 95-second excursions: their class ends at 105 s, the hold at 100.
    for (let i = 0; i < 20; i++) e.record(3, 95_000);
    expect(e.holdMs(3)).toBe(100_000);
    const none = new ExcursionEnvelope({ maxHoldMs: 0 });
    observe(none, DAY);
    for (let i = 0; i < 20; i++) none.record(3, 5_000);
    expect(none.holdMs(3)).toBe(0);
  });

  it('borrows its pool envelope while its own history is short, and its own excursions raise its hold above the pool’s', () => {
    const pool = new ExcursionEnvelope();
    // A pool of quiet agents: 20 agent-days, no excursions.
    observe(pool, 20 * DAY);
    const fresh = new ExcursionEnvelope();
    expect(fresh.holdMs(3, pool)).toBe(0);
    // The pool's agents have ×5 excursions of 60–74 s twice a day: a new agent of that pool waits 75 s.
    for (let i = 0; i < 40; i++) pool.record(5, 60_000 + (i % 15) * 1000);
    expect(fresh.holdMs(3, pool)).toBe(75_000);
    // One agent of that pool has 100-second excursions 6 times a day of its own: it waits 105 s, the others 75 s.
    const jumpy = new ExcursionEnvelope();
    for (let d = 0; d < 2; d++) {
      observe(jumpy, DAY);
      for (let i = 0; i < 6; i++) jumpy.record(5, 100_000);
    }
    expect(jumpy.holdMs(3, pool)).toBe(105_000);
    expect(fresh.holdMs(3, pool)).toBe(75_000);
  });

  it('a young pool borrows its fleet: quiet pools of 20 agent-days vouch for a pool observed half a day (alone it holds the ceiling)', () => {
    const fleet = new ExcursionEnvelope();
    const older = new ExcursionEnvelope({ parent: fleet });
    const young = new ExcursionEnvelope({ parent: fleet });
    const alone = new ExcursionEnvelope();
    observe(older, 20 * DAY);
    observe(young, DAY / 2);
    observe(alone, DAY / 2);
    // Everything a pool observes, its fleet observes: 20.5 days, decayed with a 30-day half-life (≈ 16.3).
    const all = new ExcursionEnvelope();
    observe(all, 20.5 * DAY);
    expect(fleet.observedMs).toBeCloseTo(all.observedMs, -3);
    expect(fleet.observedMs / DAY).toBeCloseTo(16.33, 1);
    const agent = new ExcursionEnvelope();
    // Alone: (0 + 1) / 0.5 days = 2 a day > 0.1 → the ceiling. With its fleet: the pool's rate shrunk toward the fleet's
    // ((0 + 1) / 16.3 a day, worth 10 agent-days): (0 + 10 / 16.3) / 10.5 ≈ 0.058 a day ≤ 0.1 → no hold.
    expect(agent.holdMs(3, alone)).toBe(120_000);
    expect(agent.holdMs(3, young)).toBe(0);
    // The fleet's excursions reach the young pool: ×5, 60–74 s, 4 a day in the older pool → a new agent waits 75 s.
    for (let i = 0; i < 80; i++) older.record(5, 60_000 + (i % 15) * 1000);
    expect(agent.holdMs(3, young)).toBe(75_000);
  });

  it('a quiet pool in a jumpy fleet is judged on its own history as without a fleet; a jumpy pool in a quiet fleet keeps its hold', () => {
    const fleet = new ExcursionEnvelope();
    const jumpy = new ExcursionEnvelope({ parent: fleet });
    const quiet = new ExcursionEnvelope({ parent: fleet });
    const agent = new ExcursionEnvelope();
    // A cron-like pool: 10 surges of 100 s a day.
    for (let d = 0; d < 2; d++) {
      observe(jumpy, DAY);
      for (let i = 0; i < 10; i++) jumpy.record(5, 100_000);
    }
    observe(quiet, 2 * DAY);
    // The fleet's rate (≈ 5 a day) would keep the quiet pool waiting for hundreds of days; its own add-one decides.
    expect(agent.holdMs(3, quiet)).toBe(120_000);
    observe(quiet, 10 * DAY);
    expect(agent.holdMs(3, quiet)).toBe(0);
    // The jumpy pool in a fleet of 50 quiet agent-days: its own 20 surges in 2 days still set a 105-s hold.
    const calm = new ExcursionEnvelope();
    const cron = new ExcursionEnvelope({ parent: calm });
    observe(new ExcursionEnvelope({ parent: calm }), 50 * DAY);
    for (let d = 0; d < 2; d++) {
      observe(cron, DAY);
      for (let i = 0; i < 10; i++) cron.record(5, 100_000);
    }
    expect(agent.holdMs(3, cron)).toBe(105_000);
  });

  it('holds its ceiling with a pool not yet observed, however long its own history', () => {
    const own = new ExcursionEnvelope({ maxHoldMs: 90_000 });
    observe(own, 20 * DAY);
    expect(own.holdMs(3)).toBe(0);
    expect(own.holdMs(3, new ExcursionEnvelope())).toBe(90_000);
  });

  it('forgets: with a 30-day half-life, excursions of 200 days ago no longer hold a quiet agent', () => {
    const e = new ExcursionEnvelope();
    observe(e, 20 * DAY);
    for (let i = 0; i < 12; i++) e.record(4, 80_000);
    expect(e.holdMs(4)).toBe(90_000);
    observe(e, 200 * DAY);
    expect(e.holdMs(4)).toBe(0);
  });

  it('ignores non-positive peaks, negative lengths and non-positive observed time', () => {
    const e = new ExcursionEnvelope();
    e.observe(-5);
    e.observe(Number.NaN);
    expect(e.observedMs).toBe(0);
    observe(e, 20 * DAY);
    e.record(0, 60_000);
    e.record(4, -1);
    e.record(Number.NaN, 60_000);
    expect(e.holdMs(4)).toBe(0);
  });
});
