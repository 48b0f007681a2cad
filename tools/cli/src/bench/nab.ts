import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CsvScorer, ENSEMBLE_CANDIDATES, type EnsembleCandidate } from '@swarmscope/anomaly-detector';
import { syntheticCorpus, type SyntheticSeries, writeSyntheticCorpus } from './nab-synthetic';
import { secondSyntheticCorpus } from './nab-synthetic-b';
import { binarize, chooseFolds, type FoldChoice, type FoldScore, NO_DETECTIONS } from './nab-folds';

/** A missing NAB folder or a failing scorer: one line for the user, no stack. */
export class NabBenchError extends Error {}

export interface NabBenchOptions {
  /** The NAB folder: data/<category>/*.csv, labels/combined_windows.json, score.py. */
  nabDir: string;
  /** Candidates to try (default: every one of {@link ENSEMBLE_CANDIDATES}). */
  candidates?: readonly EnsembleCandidate[];
  /** The generated corpora are drawn with seeds S, S + 1, S + 2, one category each (default 1). */
  seed?: number;
  /** Interpreter of the official scorer (default python3). */
  python?: string;
}

export interface NabBenchResult {
  categories: string[];
  /** Per candidate: the whole corpus at its best threshold, then each category at the threshold of the other three. */
  candidates: Array<{
    name: string;
    full: FoldScore;
    heldOut: Record<string, FoldScore>;
    train: Record<string, FoldScore>;
    /** The generated corpus at the threshold chosen on the whole NAB subset (out of sample). */
    synthetic: FoldScore;
    /** The generated corpus at its own best threshold (in sample, for comparison). */
    syntheticBest: FoldScore;
    /** The third corpus (written after the parameters were fixed) at the NAB threshold, and at its own best. */
    second: FoldScore;
    secondBest: FoldScore;
    /** Every category scored at this candidate's threshold chosen without it, pooled (leave-one-category-out). */
    pooled?: FoldScore;
  }>;
  folds: Array<FoldChoice & { score: FoldScore }>;
  /** Every category scored by the candidate and threshold its fold chose without it, pooled (threshold 0.5 on 0/1). */
  pooled: FoldScore;
  seconds: number;
}

/**
 * Leave-one-category-out on the NAB subset, with the official scorer (score.py) doing every scoring: each candidate
 * scores every file (one configuration for all, point by point, as `swarmscope detect` does); for each category, the
 * candidate and threshold that score best on the other categories are chosen and the category is scored with them.
 * The pooled figure scores every category with its own fold's choice, as one corpus.
 */
export function runNabBench(options: NabBenchOptions): NabBenchResult {
  const started = performance.now();
  const nab = options.nabDir;
  const dataDir = join(nab, 'data');
  const labels = join(nab, 'labels');
  const scorer = join(nab, 'score.py');
  for (const [path, what] of [
    [dataDir, 'data folder'],
    [join(labels, 'combined_windows.json'), 'windows file'],
    [scorer, 'scorer'],
  ] as const) {
    if (!existsSync(path)) throw new NabBenchError(`no ${what} at ${path} (give the NAB folder with --nab-dir)`);
  }
  const categories = readdirSync(dataDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  if (categories.length < 2)
    throw new NabBenchError(`${dataDir} needs at least two category folders for leave-one-out`);
  const filesOf = new Map(
    categories.map((c) => [
      c,
      readdirSync(join(dataDir, c))
        .filter((f) => f.endsWith('.csv'))
        .sort(),
    ]),
  );
  const candidates = options.candidates ?? ENSEMBLE_CANDIDATES;
  const work = mkdtempSync(join(tmpdir(), 'swarmscope-nab-'));
  const python = options.python ?? 'python3';

  const lists = new Map<string, string>();
  const listOf = (cats: readonly string[]): string => {
    const key = cats.join(',');
    let path = lists.get(key);
    if (!path) {
      path = join(work, `files-${lists.size}.txt`);
      writeFileSync(path, cats.flatMap((c) => filesOf.get(c)!.map((f) => `${c}/${f}`)).join('\n') + '\n');
      lists.set(key, path);
    }
    return path;
  };
  /** `corpus`: 'nab', or the folder of a generated corpus (data/ and labels/). */
  const score = (results: string, cats: readonly string[], threshold?: number | null, corpus = 'nab'): FoldScore => {
    const json = join(work, 'score.json');
    const [data, windows, files] =
      corpus === 'nab' ? [dataDir, labels, listOf(cats)] : [join(corpus, 'data'), join(corpus, 'labels'), undefined];
    const args = [
      scorer,
      '--data',
      data,
      '--labels',
      windows,
      '--results',
      results,
      '--profile',
      'standard',
      '--json',
      json,
    ];
    if (files) args.push('--files', files);
    if (threshold !== undefined) args.push('--threshold', String(threshold ?? NO_DETECTIONS));
    try {
      execFileSync(python, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (error) {
      const stderr = String((error as { stderr?: Buffer }).stderr ?? '').trim();
      throw new NabBenchError(
        `the scorer failed (${python} ${scorer}): ${stderr.split('\n').pop() || (error as Error).message}`,
      );
    }
    const report = JSON.parse(readFileSync(json, 'utf8')) as { windows: number; profiles: { standard: ScorerProfile } };
    const p = report.profiles.standard;
    return {
      normalized: p.normalized,
      raw: p.raw_score,
      threshold: threshold === undefined ? p.threshold : threshold,
      falsePositiveRows: p.fp_rows,
      windowsDetected: p.windows_detected,
      windows: report.windows,
    };
  };
  // The generated corpora, of other shapes; scored at the threshold chosen on all of NAB.
  const seed = options.seed ?? 1;
  const generated = (name: string, corpus: (seed: number) => SyntheticSeries[]) => {
    const dir = join(work, name);
    const categories = new Map([seed, seed + 1, seed + 2].map((s) => [`${name}-seed${s}`, corpus(s)]));
    writeSyntheticCorpus(dir, categories);
    return { name, dir, categories };
  };
  const synthetic = generated('synthetic', syntheticCorpus);
  const second = generated('second', secondSyntheticCorpus);
  const scoreGenerated = (
    candidate: EnsembleCandidate,
    resultsRoot: string,
    corpus: typeof synthetic,
    threshold: number | null,
  ) => {
    const results = join(resultsRoot, corpus.name);
    for (const [category, series] of corpus.categories) {
      mkdirSync(join(results, category), { recursive: true });
      for (const { name } of series)
        writeFileSync(
          join(results, category, `${name}.csv`),
          scoreFile(join(corpus.dir, 'data', category, `${name}.csv`), candidate).text,
        );
    }
    return { atNab: score(results, [], threshold, corpus.dir), best: score(results, [], undefined, corpus.dir) };
  };

  try {
    const scored = new Map<string, Map<string, number[]>>(); // candidate → "category/file" → scores
    const out: NabBenchResult['candidates'] = [];
    const train: Record<string, Record<string, FoldScore>> = {};
    for (const candidate of candidates) {
      const dir = join(work, candidate.name);
      const scores = new Map<string, number[]>();
      for (const [category, files] of filesOf) {
        mkdirSync(join(dir, category), { recursive: true });
        for (const file of files) {
          const { text, values } = scoreFile(join(dataDir, category, file), candidate);
          writeFileSync(join(dir, category, file), text);
          scores.set(`${category}/${file}`, values);
        }
      }
      scored.set(candidate.name, scores);
      const full = score(dir, categories);
      const heldOut: Record<string, FoldScore> = {};
      train[candidate.name] = {};
      for (const category of categories) {
        const t = score(
          dir,
          categories.filter((c) => c !== category),
        );
        train[candidate.name]![category] = t;
        heldOut[category] = score(dir, [category], t.threshold);
      }
      const a = scoreGenerated(candidate, join(work, 'generated', candidate.name), synthetic, full.threshold);
      const b = scoreGenerated(candidate, join(work, 'generated', candidate.name), second, full.threshold);
      out.push({
        name: candidate.name,
        full,
        heldOut,
        train: train[candidate.name]!,
        synthetic: a.atNab,
        syntheticBest: a.best,
        second: b.atNab,
        secondBest: b.best,
      });
    }

    const choices = chooseFolds(
      candidates.map((c) => c.name),
      categories,
      train,
    );
    // Pooled: each category's files made binary at its fold's threshold, then the whole corpus scored at 0.5.
    const pool = (name: string, folds: readonly FoldChoice[]): FoldScore => {
      const pooledDir = join(work, 'pooled', name);
      for (const choice of folds) {
        mkdirSync(join(pooledDir, choice.heldOut), { recursive: true });
        for (const file of filesOf.get(choice.heldOut)!) {
          const values = scored.get(choice.candidate)!.get(`${choice.heldOut}/${file}`)!;
          const lines = readFileSync(join(work, choice.candidate, choice.heldOut, file), 'utf8').split('\n');
          const body = values.map(
            (v, i) => `${lines[i + 1]!.slice(0, lines[i + 1]!.lastIndexOf(','))},${binarize(v, choice.threshold)}`,
          );
          writeFileSync(join(pooledDir, choice.heldOut, file), [lines[0], ...body].join('\n') + '\n');
        }
      }
      return score(pooledDir, categories, 0.5);
    };
    // Each candidate alone (only its threshold chosen per fold), then the choice among candidates per fold.
    for (const c of out) {
      c.pooled = pool(
        c.name,
        categories.map((heldOut) => ({
          heldOut,
          candidate: c.name,
          threshold: c.train[heldOut]!.threshold,
          trainScore: c.train[heldOut]!.normalized ?? 0,
        })),
      );
    }
    const folds = choices.map((c) => ({ ...c, score: out.find((o) => o.name === c.candidate)!.heldOut[c.heldOut]! }));
    const pooled = pool('chosen', choices);
    return { categories, candidates: out, folds, pooled, seconds: (performance.now() - started) / 1000 };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

interface ScorerProfile {
  normalized: number | null;
  raw_score: number;
  threshold: number | null;
  fp_rows: number;
  windows_detected: number;
}

/** One file through a fresh detector of the candidate, as `swarmscope detect` does it. */
function scoreFile(path: string, candidate: EnsembleCandidate): { text: string; values: number[] } {
  const scorer = new CsvScorer({ config: candidate.config() });
  const lines: string[] = [];
  const values: number[] = [];
  for (const line of readFileSync(path, 'utf8').split(/\r?\n/)) {
    const out = scorer.line(line);
    if (out === undefined) continue;
    lines.push(out);
    if (lines.length > 1) values.push(Number(out.slice(out.lastIndexOf(',') + 1)));
  }
  scorer.finish();
  return { text: lines.join('\n') + '\n', values };
}

/** Mean normalised held-out score over the categories that hold windows (a category without any has no score). */
export function meanHeldOut(heldOut: Record<string, FoldScore>): number {
  const scores = Object.values(heldOut).flatMap((s) => (s.normalized === null ? [] : [s.normalized]));
  return scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : Number.NaN;
}

/** The figures as tables on stdout. */
export function printNabBench(r: NabBenchResult): void {
  const fmt = (s: FoldScore) => (s.normalized === null ? `${s.falsePositiveRows} FP rows` : s.normalized.toFixed(1));
  process.stdout.write(
    '\nnab: each candidate on the whole subset (own best threshold) and on each category at the threshold chosen on the other three (standard profile)\n',
  );
  console.table(
    r.candidates.map((c) => ({
      candidate: c.name,
      'all (in-sample)': fmt(c.full),
      ...Object.fromEntries(r.categories.map((cat) => [`${cat} (held out)`, fmt(c.heldOut[cat]!)])),
      'mean held out': meanHeldOut(c.heldOut).toFixed(1),
      'pooled held out': c.pooled ? fmt(c.pooled) : '',
    })),
  );
  process.stdout.write(
    'nab: the generated corpus of other shapes (counts, heavy tails, irregular sampling, drift, trends, hourly/weekly cycles, sawtooth), three seeds\n',
  );
  console.table(
    r.candidates.map((c) => ({
      candidate: c.name,
      'at the NAB threshold (out of sample)': fmt(c.synthetic),
      windows: `${c.synthetic.windowsDetected}/${c.synthetic.windows}`,
      'FP rows': c.synthetic.falsePositiveRows,
      'at its own best threshold (in sample)': fmt(c.syntheticBest),
    })),
  );
  process.stdout.write(
    'nab: the third corpus, written after the parameters were fixed (12 h / 35 min / 4 day cycles, regime switches, Pareto and Cauchy tails, growth, quantised values, sparse events), three seeds\n',
  );
  console.table(
    r.candidates.map((c) => ({
      candidate: c.name,
      'at the NAB threshold (out of sample)': fmt(c.second),
      windows: `${c.second.windowsDetected}/${c.second.windows}`,
      'FP rows': c.second.falsePositiveRows,
      'at its own best threshold (in sample)': fmt(c.secondBest),
    })),
  );
  process.stdout.write(
    'nab: leave-one-category-out — the candidate and threshold chosen on the other three categories, scored on the held-out one\n',
  );
  console.table(
    r.folds.map((f) => ({
      'held out': f.heldOut,
      chosen: f.candidate,
      threshold: f.threshold === null ? 'none' : f.threshold.toPrecision(6),
      'score on the other three': f.trainScore.toFixed(1),
      'held-out score': fmt(f.score),
      windows: `${f.score.windowsDetected}/${f.score.windows}`,
      'FP rows': f.score.falsePositiveRows,
    })),
  );
  const first = r.candidates[0];
  if (first?.pooled) {
    process.stdout.write(
      `nab: out of sample, ${first.name} alone (its threshold chosen on the other three categories): held out ${r.categories.map((c) => `${c} ${fmt(first.heldOut[c]!)}`).join(', ')}; mean ${meanHeldOut(first.heldOut).toFixed(1)}, pooled ${fmt(first.pooled)}; generated corpus ${fmt(first.synthetic)}, third corpus ${fmt(first.second)}\n`,
    );
  }
  process.stdout.write(
    `nab: choosing a candidate per fold instead (every category scored by its own fold's choice, pooled): standard ${fmt(r.pooled)}, ${r.pooled.windowsDetected}/${r.pooled.windows} windows, ${r.pooled.falsePositiveRows} FP rows (${r.seconds.toFixed(1)} s)\n`,
  );
}
