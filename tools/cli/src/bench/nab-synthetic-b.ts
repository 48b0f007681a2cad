import { SeededRandom } from '@swarmscope/anomaly-detector';
import type { SyntheticSeries } from './nab-synthetic';

// A third labelled corpus in NAB's layout (windows by NAB's rule, see nab-synthetic.ts), written after the NAB
// detector's parameters were fixed and never used to choose them: other periods (12 h at 10 min, 35 min at 5 min,
// 4 days at 30 min), natural regime switches and level steps that are not faults, Pareto and Cauchy-like tails,
// multiplicative growth, quantised values, sparse binary events. Anomalies: a phase shift, a stopped cycle, a level
// shift under heavy tails, a body shift under a Pareto tail, a variance burst on a drifting mean, a held key, a level
// never visited, an outage to zero, a stretch of noise on quantised values.

const MINUTE = 60_000;
const START = Date.UTC(2024, 8, 14, 3, 20); // a Saturday, off the hour

/** The series of one seed (deterministic). Onsets are row indices; every onset is after NAB's 15 % probation. */
export function secondSyntheticCorpus(seed: number): SyntheticSeries[] {
  const r = new SeededRandom(seed * 7919 + 17);
  const normal = () => Math.sqrt(-2 * Math.log(Math.max(r.next(), 1e-12))) * Math.cos(2 * Math.PI * r.next());
  const pareto = (alpha: number) => Math.max(r.next(), 1e-9) ** (-1 / alpha);
  const studentT = (nu: number) => {
    let chi = 0;
    for (let k = 0; k < nu; k++) chi += normal() ** 2;
    return normal() / Math.sqrt(chi / nu);
  };
  const regular = (n: number, minutes: number) => Array.from({ length: n }, (_, i) => START + i * minutes * MINUTE);
  const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;
  const jitter = (base: number, spread: number) => Math.floor(base + spread * r.next());
  const series: SyntheticSeries[] = [];

  // A 12-hour cycle sampled every 10 minutes (72 rows); the cycle runs a quarter period late for two cycles.
  {
    const n = 5000;
    const onset = jitter(2500, 1500);
    const values = regular(n, 10).map((_, i) => {
      const phase = i >= onset && i < onset + 144 ? 18 : 0;
      return round(40 + 15 * Math.sin((2 * Math.PI * (i - phase)) / 72) + 2 * normal());
    });
    series.push({ name: 'cycle12h_phase_shift', times: regular(n, 10), values, onsets: [onset] });
  }
  // A 35-minute square-ish duty cycle every 5 minutes (7 rows: 3 high, 4 low); the cycle stops at its low level.
  {
    const n = 4500;
    const onset = jitter(2000, 1800);
    const values = regular(n, 5).map((_, i) => {
      const high = i % 7 < 3 && !(i >= onset && i < onset + 60);
      return round((high ? 80 : 20) + 3 * normal());
    });
    series.push({ name: 'duty_cycle_stops', times: regular(n, 5), values, onsets: [onset] });
  }
  // Cauchy-like noise (Student-t, 1 degree of freedom, clipped at ±60 scale units); the level rises by 4 units for good.
  {
    const n = 4000;
    const onset = jitter(1800, 1600);
    const values = regular(n, 5).map((_, i) =>
      round(100 + (i >= onset ? 4 : 0) + Math.max(-60, Math.min(60, studentT(1)))),
    );
    series.push({ name: 'cauchy_level_shift', times: regular(n, 5), values, onsets: [onset] });
  }
  // Latency with a Pareto tail (α 1.4: huge natural spikes); the body rises ×1.8 for 150 rows.
  {
    const n = 6000;
    const onset = jitter(2500, 2500);
    const values = regular(n, 1).map((_, i) => round(120 * pareto(1.4) * (i >= onset && i < onset + 150 ? 1.8 : 1), 1));
    series.push({ name: 'pareto_body_shift', times: regular(n, 1), values, onsets: [onset] });
  }
  // A mean drifting up steadily (+60 % over the file); the noise quadruples for 200 rows.
  {
    const n = 5000;
    const onset = jitter(2200, 2200);
    const values = regular(n, 2).map((_, i) =>
      round(50 * (1 + (0.6 * i) / n) + (i >= onset && i < onset + 200 ? 8 : 2) * normal()),
    );
    series.push({ name: 'drift_variance_burst', times: regular(n, 2), values, onsets: [onset] });
  }
  // Sparse key events (a 1 in 3 % of rows); a key held down: 1s for 40 rows.
  {
    const n = 3500;
    const onset = jitter(1500, 1500);
    const values = regular(n, 5).map((_, i) => (i >= onset && i < onset + 40 ? 1 : r.next() < 0.03 ? 1 : 0));
    series.push({ name: 'sparse_key_held', times: regular(n, 5), values, onsets: [onset] });
  }
  // Two regimes (levels 30 and 55) switching every 200–600 rows — natural level steps; once it visits a level of 80.
  {
    const n = 6000;
    const onset = jitter(3000, 2000);
    let level = 30;
    let left = jitter(200, 400);
    const values = regular(n, 5).map((_, i) => {
      if (--left <= 0) {
        level = level === 30 ? 55 : 30;
        left = jitter(200, 400);
      }
      return round((i >= onset && i < onset + 80 ? 80 : level) + 2.5 * normal());
    });
    series.push({ name: 'regimes_new_level', times: regular(n, 5), values, onsets: [onset] });
  }
  // A 4-day cycle every 30 minutes (192 rows) with weekly load; an outage: 20 rows at zero.
  {
    const n = 4000;
    const onset = jitter(1500, 2200);
    const values = regular(n, 30).map((t, i) => {
      if (i >= onset && i < onset + 20) return 0;
      const day = new Date(t).getUTCDay();
      return round((300 + 120 * Math.sin((2 * Math.PI * i) / 192)) * (day === 0 ? 0.7 : 1) + 15 * normal());
    });
    series.push({ name: 'cycle4d_outage', times: regular(n, 30), values, onsets: [onset] });
  }
  // Quantised CPU-like percent (integers, mostly 2–4); 150 rows of noise spanning 0–9.
  {
    const n = 4000;
    const onset = jitter(1700, 1800);
    const values = regular(n, 5).map((_, i) =>
      i >= onset && i < onset + 150 ? Math.floor(10 * r.next()) : Math.max(0, Math.round(3 + 0.7 * normal())),
    );
    series.push({ name: 'quantised_noise_burst', times: regular(n, 5), values, onsets: [onset] });
  }
  // No anomalies: multiplicative growth, a slow mean-reverting AR(1), a cycle whose amplitude wanders slowly.
  {
    const n = 4000;
    let growth = 10;
    series.push({
      name: 'none_growth',
      times: regular(n, 15),
      values: regular(n, 15).map(() => round((growth *= 1.0004) * Math.exp(0.05 * normal()))),
      onsets: [],
    });
    let ar = 0;
    series.push({
      name: 'none_ar1',
      times: regular(n, 5),
      values: regular(n, 5).map(() => round(200 + (ar = 0.98 * ar + normal()))),
      onsets: [],
    });
    series.push({
      name: 'none_wandering_amplitude',
      times: regular(n, 5),
      values: regular(n, 5).map((_, i) =>
        round(100 + (20 + 8 * Math.sin((2 * Math.PI * i) / 2500)) * Math.sin((2 * Math.PI * i) / 288) + 3 * normal()),
      ),
      onsets: [],
    });
  }
  return series;
}
