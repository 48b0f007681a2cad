import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SeededRandom } from '@swarmscope/anomaly-detector';

// A second, independent labelled corpus in NAB's layout, of shapes the NAB subset lacks: counts (Poisson, many zeros,
// natural bursts), heavy-tailed latency, irregular sampling with gaps, slow random-walk drift, hourly and weekly
// cycles, trends, GC sawtooth. Windows follow NAB's rule (Lavin & Ahmad 2015): 10 % of the file's rows shared among
// its anomalies, each window centred on its anomaly's onset.

/** One generated series: rows in time order and the row index of each labelled anomaly's onset. */
export interface SyntheticSeries {
  name: string;
  times: number[];
  values: number[];
  onsets: number[];
}

const MINUTE = 60_000;
const START = Date.UTC(2025, 2, 3); // a Monday

/** The corpus: every series of a seed (deterministic: the same seed gives the same files). */
export function syntheticCorpus(seed: number): SyntheticSeries[] {
  const r = new SeededRandom(seed);
  const normal = () => {
    const u = Math.max(r.next(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.next());
  };
  const poisson = (lambda: number) => {
    if (lambda > 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * normal()));
    const l = Math.exp(-lambda);
    let k = 0;
    let p = r.next();
    while (p > l) {
      k++;
      p *= r.next();
    }
    return k;
  };
  const studentT2 = () => normal() / Math.sqrt((normal() ** 2 + normal() ** 2) / 2);
  const regular = (n: number, minutes: number) => Array.from({ length: n }, (_, i) => START + i * minutes * MINUTE);
  const daily = (t: number) => Math.sin((2 * Math.PI * ((t - START) / (1440 * MINUTE))) % (2 * Math.PI));
  const weekend = (t: number) => {
    const day = new Date(t).getUTCDay();
    return day === 0 || day === 6;
  };
  const series: SyntheticSeries[] = [];

  // Tweet-like counts: daily and weekly cycle, natural short bursts (×1.5–3, 1–3 rows), anomalies are long big bursts.
  {
    const n = 8000;
    const times = regular(n, 5);
    const onsets = [2600, 4700, 6900];
    let burst = 0;
    let burstGain = 1;
    const values = times.map((t, i) => {
      let lambda = 20 * (1 + 0.8 * daily(t)) * (weekend(t) ? 0.6 : 1);
      if (burst > 0) burst--;
      else if (r.next() < 0.01) {
        burst = 1 + r.int(3);
        burstGain = 1.5 + 1.5 * r.next();
      }
      if (burst > 0) lambda *= burstGain;
      for (const o of onsets) if (i >= o && i < o + 12 + (o % 25)) lambda *= 8 + (o % 7);
      return poisson(lambda);
    });
    series.push({ name: 'counts_daily_bursts', times, values, onsets });
  }
  // Sparse counts: mostly 0–4, anomalies are sustained rises.
  {
    const n = 6000;
    const times = regular(n, 5);
    const onsets = [2500, 4800];
    const values = times.map((_, i) => poisson(onsets.some((o) => i >= o && i < o + 24) ? 15 : 2));
    series.push({ name: 'counts_sparse', times, values, onsets });
  }
  // Latency: log-normal, natural single spikes ×5 (0.5 % of rows), anomalies are ×2.5 for 100 rows.
  {
    const n = 5000;
    const times = regular(n, 1);
    const onsets = [1900, 3800];
    const values = times.map((_, i) => {
      let v = 200 * Math.exp(0.4 * normal());
      if (r.next() < 0.005) v *= 5;
      if (onsets.some((o) => i >= o && i < o + 100)) v *= 2.5;
      return Math.round(v * 10) / 10;
    });
    series.push({ name: 'latency_lognormal', times, values, onsets });
  }
  // Road occupancy: irregular sampling (5 ± 2 min, gaps of hours), weekday rush hours; a stuck sensor and an outage.
  {
    const n = 2500;
    const times: number[] = [];
    let t = START;
    for (let i = 0; i < n; i++) {
      times.push(t);
      t += (3 + 4 * r.next()) * MINUTE + (r.next() < 0.004 ? (60 + 300 * r.next()) * MINUTE : 0);
    }
    const onsets = [1100, 2000];
    let stuck = 0;
    const values = times.map((ti, i) => {
      const hour = ((ti - START) / (60 * MINUTE)) % 24;
      const rush = weekend(ti)
        ? 0
        : 18 * Math.exp(-(((hour - 8) / 1.2) ** 2)) + 14 * Math.exp(-(((hour - 17.5) / 1.5) ** 2));
      const v = Math.max(0, 4 + rush + 2.5 * normal());
      if (i === onsets[0]) stuck = v;
      if (i >= onsets[0]! && i < onsets[0]! + 60) return Math.round(stuck * 100) / 100;
      if (i >= onsets[1]! && i < onsets[1]! + 40) return 0;
      return Math.round(v * 100) / 100;
    });
    series.push({ name: 'occupancy_irregular', times, values, onsets });
  }
  // Temperature: slow AR(1) drift plus a small daily cycle; a failure (−15 over 10 rows, 50 rows, then recovery).
  {
    const n = 7000;
    const times = regular(n, 5);
    const onsets = [5200];
    let drift = 0;
    const values = times.map((ti, i) => {
      drift = 0.995 * drift + 0.3 * normal();
      let v = 70 + drift + 3 * daily(ti) + 0.4 * normal();
      const since = i - onsets[0]!;
      if (since >= 0 && since < 60) v -= 15 * Math.min(1, since / 10);
      return Math.round(v * 100) / 100;
    });
    series.push({ name: 'temperature_drift', times, values, onsets });
  }
  // An hourly cycle sampled each minute; its amplitude halves for 300 rows.
  {
    const n = 6000;
    const times = regular(n, 1);
    const onsets = [3500];
    const values = times.map((_, i) => {
      const amp = i >= onsets[0]! && i < onsets[0]! + 300 ? 5 : 10;
      return Math.round((50 + amp * Math.sin((2 * Math.PI * i) / 60) + normal()) * 100) / 100;
    });
    series.push({ name: 'hourly_cycle_amplitude', times, values, onsets });
  }
  // A steady trend whose slope quadruples.
  {
    const n = 4000;
    const times = regular(n, 10);
    const onsets = [2800];
    let level = 100;
    const values = times.map((_, i) => {
      level += i < onsets[0]! ? 0.01 : 0.12;
      return Math.round((level + 2 * normal()) * 100) / 100;
    });
    series.push({ name: 'trend_change', times, values, onsets });
  }
  // Hourly samples with a weekly pattern: a weekday that looks like a weekend, later one large spike.
  {
    const n = 3000;
    const times = regular(n, 60);
    const quietDay = 24 * (7 * 10 + 2); // Wednesday of week 11
    const onsets = [quietDay + 8, 2600];
    const values = times.map((ti, i) => {
      const hour = ((ti - START) / (60 * MINUTE)) % 24;
      const busy = !weekend(ti) && !(i >= quietDay && i < quietDay + 24);
      let v = 30 + (busy ? 40 * Math.max(0, Math.sin((Math.PI * (hour - 7)) / 12)) : 0) + 3 * normal();
      if (i === onsets[1]) v += 150;
      return Math.round(v * 100) / 100;
    });
    series.push({ name: 'weekly_pattern', times, values, onsets });
  }
  // Memory with a GC sawtooth (ramps of ~90 rows, jittered); a leak raises the floor from the onset on.
  {
    const n = 5000;
    const times = regular(n, 1);
    const onsets = [3600];
    let phase = 0;
    let period = 90;
    const values = times.map((_, i) => {
      if (++phase >= period) {
        phase = 0;
        period = 70 + r.int(40);
      }
      const leak = i >= onsets[0]! ? (i - onsets[0]!) * 0.15 : 0;
      return Math.round((500 + 200 * (phase / period) + leak + 5 * normal()) * 10) / 10;
    });
    series.push({ name: 'memory_sawtooth', times, values, onsets });
  }
  // No anomalies: heavy tails (Student-t, 2 degrees of freedom), a random walk, bursty counts.
  {
    const times = regular(4000, 5);
    series.push({
      name: 'none_heavy_tails',
      times,
      values: times.map(() => Math.round((100 + 5 * studentT2()) * 100) / 100),
      onsets: [],
    });
    let walk = 0;
    series.push({
      name: 'none_random_walk',
      times,
      values: times.map(() => Math.round((walk += normal()) * 100) / 100),
      onsets: [],
    });
    series.push({
      name: 'none_bursty_counts',
      times,
      values: times.map(() => poisson(r.next() < 0.02 ? 30 : 6)),
      onsets: [],
    });
  }
  return series;
}

/** NAB's windows for one file: 10 % of its rows shared among its anomalies, centred on each onset, as [first, last] rows. */
export function nabWindows(rows: number, onsets: readonly number[]): Array<[number, number]> {
  if (!onsets.length) return [];
  const width = Math.floor((0.1 * rows) / onsets.length);
  return onsets.map((o) => [Math.max(0, o - Math.floor(width / 2)), Math.min(rows - 1, o + Math.ceil(width / 2) - 1)]);
}

/** NAB's timestamp format: "YYYY-MM-DD HH:MM:SS" (UTC). */
export function nabTimestamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** Writes categories of series as `<dir>/data/<category>/<name>.csv` and `<dir>/labels/combined_windows.json`. */
export function writeSyntheticCorpus(dir: string, categories: ReadonlyMap<string, readonly SyntheticSeries[]>): void {
  mkdirSync(join(dir, 'labels'), { recursive: true });
  const windows: Record<string, string[][]> = {};
  for (const [category, series] of categories) {
    mkdirSync(join(dir, 'data', category), { recursive: true });
    for (const s of series) {
      const stamps = s.times.map(nabTimestamp);
      writeFileSync(
        join(dir, 'data', category, `${s.name}.csv`),
        ['timestamp,value', ...stamps.map((t, i) => `${t},${s.values[i]}`)].join('\n') + '\n',
      );
      windows[`${category}/${s.name}.csv`] = nabWindows(s.times.length, s.onsets).map(([a, b]) => [
        stamps[a]!,
        stamps[b]!,
      ]);
    }
  }
  writeFileSync(join(dir, 'labels', 'combined_windows.json'), JSON.stringify(windows, null, 1));
}
