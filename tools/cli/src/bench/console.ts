import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { consoleAssetsDir } from '@swarmscope/console';
import { createLogger, parseEnv } from '@swarmscope/core';
import { backendsFor, healthMonitorEnv, runHealthMonitor } from '@swarmscope/health-monitor';
import { chromium, type Page } from 'playwright-core';
import { quantileSorted } from 'simple-statistics';

export interface ConsoleBenchOptions {
  agents: number;
  edges: number;
  /** Pages of the agents table to time. */
  pages: number;
  /**
   * The interaction graph's shape: `preferential` (scale-free: a few hubs, few big communities) or `planted` (many
   * teams of 50 with 90 % of the edges inside a team, no hub: hundreds of communities).
   */
  shape: 'preferential' | 'planted';
}

export interface ConsoleBenchResult {
  assetBytes: number;
  fleetFirstPaintMs: number;
  fleetDataShownMs: number;
  /** Next page (fetched ahead while the page before showed), and a search by id prefix (fetched when typed). */
  agentsPageMs: { median: number; max: number };
  agentsSearchMs: { median: number; max: number };
  /** Next page of the table sorted by health (worst first), sorted by the server. */
  agentsSortedPageMs: { median: number; max: number };
  graph: {
    nodes: number;
    edges: number;
    /** What the view drew first (the whole graph in view): its edge mode, how many lines, how many agents. */
    firstDrawn: { mode: string; edges: number; agents: number };
    shownMs: number;
    layoutAndBuildMs: number;
    longestTaskMs: number;
    /** The longest task once the layout arrived: the drawing's own (not sigma's warm-up while the worker works). */
    drawingLongestTaskMs: number;
    navigateAwayMs: number;
    /**
     * The view's marks of its first draw: sigma's creation (while the worker works), the worker's fetch and layout,
     * the plan (asked of the worker: wall time, not the page's), building the graph to draw (in slices: wall time),
     * sigma's setGraph (one task: indexing, buffers, render), and until its frame was done.
     */
    rendererMs: number;
    workerMs: number;
    planMs: number;
    buildMs: number;
    setGraphMs: number;
    frameMs: number;
    /**
     * Zoomed onto the busiest hub (the view's "find in graph"): when agents' edges were drawn again, the longest task
     * from the click on, and the redraw's plan, build and setGraph.
     */
    zoom: {
      mode: string;
      edges: number;
      agents: number;
      shownMs: number;
      longestTaskMs: number;
      planMs: number;
      buildMs: number;
      setGraphMs: number;
    };
  };
}

const POOLS = 12;
const MODELS = 6;

/** A seeded scale-free-ish graph: each new agent links to `perAgent` earlier ones picked in proportion to degree. */
function preferentialEdges(agents: readonly string[], edges: number): Array<[string, string]> {
  let seed = 7;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const ends: number[] = [0, 1];
  const out: Array<[string, string]> = [];
  const seen = new Set<string>();
  const perAgent = Math.max(1, Math.ceil(edges / agents.length));
  for (let i = 1; i < agents.length && out.length < edges; i++) {
    for (let k = 0; k < perAgent && out.length < edges; k++) {
      const j = ends[Math.floor(random() * ends.length)]! % i;
      const key = `${i}>${j}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push([agents[i]!, agents[j]!]);
      ends.push(i, j);
    }
  }
  return out;
}

/** A seeded planted partition: teams of 50 agents, each edge inside a team with probability 0.9, else anywhere. */
function plantedEdges(agents: readonly string[], edges: number): Array<[string, string]> {
  // The same LCG in 32-bit integer arithmetic (Math.imul): exact, unlike a float product past 2^53.
  let seed = 11;
  const random = () => (seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0) / 2 ** 32;
  const team = 50;
  const out: Array<[string, string]> = [];
  const seen = new Set<string>();
  for (let tries = 0; out.length < edges && tries < edges * 20; tries++) {
    const i = Math.floor(random() * agents.length);
    const base = i - (i % team);
    const j =
      random() < 0.9
        ? Math.min(agents.length - 1, base + Math.floor(random() * team))
        : Math.floor(random() * agents.length);
    const key = `${i}>${j}`;
    if (i === j || seen.has(key)) continue;
    seen.add(key);
    out.push([agents[i]!, agents[j]!]);
  }
  return out;
}

async function post(url: string, body: unknown): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
}

function directoryBytes(dir: string): number {
  return readdirSync(dir).reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
}

/** Milliseconds from `start()` until `ready` holds on the page. */
async function timed(page: Page, start: () => Promise<unknown>, ready: string): Promise<number> {
  const started = Date.now();
  await start();
  try {
    await page.waitForFunction(ready, undefined, { timeout: 60_000, polling: 'raf' });
  } catch (error) {
    const shown =
      (await page
        .locator('main')
        .textContent()
        .catch(() => '')) ?? '';
    throw new Error(`the console did not get to \`${ready}\` within 60 s; it showed: ${shown.slice(0, 300)}`, {
      cause: error,
    });
  }
  return Date.now() - started;
}

/**
 * Milliseconds, measured in the page, from the user's `event` (a click, an input) to the first frame where `ready`
 * holds: what the user waits, without the driver's round trips (playwright's actionability checks, its polling).
 */
async function timedInPage(
  page: Page,
  event: 'click' | 'input',
  act: () => Promise<unknown>,
  ready: string,
): Promise<number> {
  await page.evaluate(
    `window.__eventAt = undefined; document.addEventListener(${JSON.stringify(event)}, (e) => { window.__eventAt ??= e.timeStamp; }, { capture: true, once: true })`,
  );
  await timed(page, act, `(${ready}) && ((window.__readyAt = performance.now()), true)`);
  return Math.round((await page.evaluate('window.__readyAt - window.__eventAt')) as number);
}

/** What the graph view says it draws: its edge mode, how many lines (`Edges: … 1,234 …`), how many agents. */
async function drawnEdges(page: Page): Promise<{ mode: string; edges: number; agents: number }> {
  const mode = (await page.getAttribute('.graph', 'data-edges-mode')) ?? '';
  const text = (await page.locator('[data-edges]').textContent()) ?? '';
  return {
    mode,
    edges: Number(/([\d,]+)/.exec(text)?.[1]?.replace(/,/g, '') ?? NaN),
    agents: Number(await page.getAttribute('.graph', 'data-agents-drawn')),
  };
}

/** Waits until the graph view has drawn more than `after` frames of a plan (its `data-frames`), and `ready` holds. */
const framesDrawn = (page: Page, after: number, ready = 'true') =>
  page.waitForFunction(
    `Number(document.querySelector('.graph')?.dataset.frames ?? 0) > ${after} && (${ready})`,
    undefined,
    {
      timeout: 60_000,
      polling: 'raf',
    },
  );

/**
 * The longest main-thread task that ended after `since` (the page's clock), from the page's long-task observer. Its
 * pending entries are taken at once (takeRecords): a task that has ended is queued for the observer, so nothing is
 * missed for want of waiting on the observer's callback.
 */
const longestTaskSince = async (page: Page, since: number): Promise<number> =>
  (await page.evaluate(`window.__longestSince(${since})`)) as number;

const pageNow = async (page: Page): Promise<number> => (await page.evaluate('performance.now()')) as number;

/** The page's measures by name, in the order made (the graph view measures each draw). */
const measuresOf = async (page: Page): Promise<Record<string, number[]>> => {
  const list = (await page.evaluate(
    `performance.getEntriesByType('measure').map((m) => [m.name, m.duration])`,
  )) as Array<[string, number]>;
  const out: Record<string, number[]> = {};
  for (const [name, duration] of list) (out[name] ??= []).push(duration);
  return out;
};

/**
 * The web console at fleet scale: a health-monitor (embedded, in this process) holding `agents` agents with closed
 * windows and an interaction graph of `edges` edges, opened in headless chromium: first paint of the fleet view, the
 * agents table's paging, and the graph view's drawing (its longest main-thread task: how long the page froze).
 */
export async function runConsoleBench(options: ConsoleBenchOptions): Promise<ConsoleBenchResult> {
  const logger = createLogger({ name: 'bench', level: 'silent' });
  const env = parseEnv(healthMonitorEnv, { HEALTH_MONITOR_PORT: '0', LOG_LEVEL: 'silent', MAX_BATCH_REPORTS: '5000' });
  const backends = await backendsFor(env, logger);
  const running = await runHealthMonitor(env, backends, logger);
  const url = running.server.url;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
    ],
  });
  try {
    const agents = Array.from({ length: options.agents }, (_, i) => `agent-${String(i).padStart(6, '0')}`);
    const now = Date.now();
    // Ten reports per agent over the last 30 minutes: closed windows for the fleet, pool and model series.
    for (let step = 0; step < 10; step++) {
      for (let from = 0; from < agents.length; from += 5000) {
        const reports = agents.slice(from, from + 5000).map((agentId, i) => ({
          agentId,
          timestamp: now - (30 - step * 3) * 60_000,
          model: `model-${(from + i) % MODELS}`,
          pool: `pool-${(from + i) % POOLS}`,
          metrics: {
            requests: 1,
            errors: (from + i + step) % 50 === 0 ? 1 : 0,
            response_time_seconds: 0.3 + ((from + i) % 17) / 10,
            input_tokens: 300,
            output_tokens: 90,
            cost_usd: 0.0005,
          },
        }));
        await post(`${url}/v1/ingest`, { reports });
      }
    }
    const edges = (options.shape === 'planted' ? plantedEdges : preferentialEdges)(agents, options.edges);
    // Stamped now: interactions for a window already closed (past its grace) are counted late, not drawn.
    const at = Date.now();
    for (let from = 0; from < edges.length; from += 5000) {
      const interactions = edges.slice(from, from + 5000).map(([a, b], i) => ({
        from: a,
        to: b,
        kind: 'delegation',
        outcome: i % 20 === 0 ? 'error' : 'success',
        latencySeconds: 0.5,
        timestamp: at,
      }));
      await post(`${url}/v1/interactions`, { interactions });
    }

    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    // Long tasks (main-thread work over 50 ms) from the first navigation on: how long the page could not respond.
    await page.addInitScript(`
      window.__tasks = [];
      const keep = (entries) => { for (const e of entries) window.__tasks.push([e.startTime, e.duration]); };
      const observer = new PerformanceObserver((list) => keep(list.getEntries()));
      observer.observe({ type: 'longtask', buffered: true });
      window.__longestSince = (since) => {
        keep(observer.takeRecords());
        return window.__tasks.reduce((m, [start, d]) => (start + d >= since ? Math.max(m, d) : m), 0);
      };`);
    const fleetDataShownMs = await timed(
      page,
      () => page.goto(`${url}/#/fleet`),
      `document.querySelectorAll('.stat-value').length > 0 && document.querySelector('.stat-value').textContent === ${JSON.stringify(options.agents.toLocaleString('en'))}`,
    );
    const fleetFirstPaintMs = (await page.evaluate(
      `performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1`,
    )) as number;

    await page.goto(`${url}/#/agents`);
    await page.waitForSelector('table[data-table=agents] tbody tr');
    const pageTimes: number[] = [];
    // The table shows 50 agents a page; the last page has no next.
    // Timed until the next page's first agent shows (ids ascend: page k starts at agent 50·k).
    for (let i = 0; i < Math.min(options.pages, Math.ceil(options.agents / 50) - 1); i++) {
      const expected = JSON.stringify(agents[(i + 1) * 50]);
      pageTimes.push(
        await timedInPage(
          page,
          'click',
          () => page.click('.pager button:last-child'),
          `document.querySelector('table[data-table=agents] tbody tr a')?.textContent === ${expected}`,
        ),
      );
    }
    pageTimes.sort((a, b) => a - b);
    // Searches by id prefix (server-side, nothing fetched ahead): until the first match shows.
    const searchTimes: number[] = [];
    for (let k = 1; k <= options.pages / 2; k++) {
      const prefix = agents[Math.floor((k * agents.length) / (options.pages / 2 + 1))]!.slice(0, -2);
      const expected = JSON.stringify(agents.find((id) => id.startsWith(prefix)));
      searchTimes.push(
        await timedInPage(
          page,
          'input',
          () => page.fill('input[name=prefix]', prefix),
          `document.querySelector('table[data-table=agents] tbody tr a')?.textContent === ${expected}`,
        ),
      );
    }
    searchTimes.sort((a, b) => a - b);

    // Sorted by health, worst first (server-side: every record read, filtered and ordered for each page), until
    // the next page's first agent shows (not known ahead: the first row changes from the page before's, non-empty).
    await page.goto(`${url}/#/agents?sort=health&order=asc`);
    await page.waitForSelector('table[data-table=agents] tbody tr');
    const sortedTimes: number[] = [];
    for (let i = 0; i < Math.min(options.pages, Math.ceil(options.agents / 50) - 1); i++) {
      const before = JSON.stringify(await page.locator('table[data-table=agents] tbody tr a').first().textContent());
      sortedTimes.push(
        await timedInPage(
          page,
          'click',
          () => page.click('.pager button:last-child'),
          `((a) => a !== null && a.textContent !== ${before})(document.querySelector('table[data-table=agents] tbody tr a'))`,
        ),
      );
    }
    sortedTimes.sort((a, b) => a - b);

    const graphFrom = await pageNow(page);
    const graphShownMs = await timed(
      page,
      () => page.goto(`${url}/#/graph`),
      `document.querySelector('.graph')?.dataset.drawn > 0`,
    );
    // The view says "drawn" when the plan is handed to sigma; its frame is counted just after.
    await framesDrawn(page, 0);
    const longestTaskMs = await longestTaskSince(page, graphFrom);
    // Once the layout arrived (plan, build, setGraph, frames): without sigma's warm-up frame (its shader compiles)
    // while the worker works, before anything is shown.
    const laidOutAt = (await page.evaluate(
      `((m) => m.startTime + m.duration)(performance.getEntriesByName('graph:layout-worker')[0])`,
    )) as number;
    const drawingLongestTaskMs = await longestTaskSince(page, laidOutAt);
    const drawnText = (await page.locator('[data-view=graph] p.muted').first().textContent()) ?? '';
    const layoutAndBuildMs = Number(/drawn in ([\d,]+) ms/.exec(drawnText)?.[1]?.replace(/,/g, '') ?? NaN);
    const nodes = Number(await page.getAttribute('.graph', 'data-drawn'));
    const firstDrawn = await drawnEdges(page);
    const hub = (await page.locator('[data-view=graph] p a').first().textContent()) ?? '';
    const framesBefore = Number(await page.getAttribute('.graph', 'data-frames'));
    await page.fill('input[name=find-agent]', hub);
    const zoomFrom = await pageNow(page);
    const zoomShownMs = await timed(
      page,
      () => page.click('form.find button'),
      `Number(document.querySelector('.graph')?.dataset.frames) > ${framesBefore} && ['edges', 'focus'].includes(document.querySelector('.graph')?.dataset.edgesMode)`,
    );
    const zoom = {
      ...(await drawnEdges(page)),
      shownMs: zoomShownMs,
      longestTaskMs: await longestTaskSince(page, zoomFrom),
    };
    const measures = await measuresOf(page);
    const first = (name: string) => measures[name]?.[0] ?? NaN;
    const last = (name: string) => measures[name]?.at(-1) ?? NaN;
    if (process.env.CONSOLE_BENCH_TRACE)
      process.stdout.write(
        `${JSON.stringify(await page.evaluate(`({ tasks: window.__tasks.map((t) => t.map(Math.round)), measures: performance.getEntriesByType('measure').map((m) => [m.name, Math.round(m.startTime), Math.round(m.duration)]) })`))}\n`,
      );
    const navigateAwayMs = await timed(
      page,
      () => page.click('nav a[href="#/fleet"]'),
      `document.querySelector('[data-view=fleet]') !== null`,
    );
    return {
      assetBytes: directoryBytes(consoleAssetsDir),
      fleetFirstPaintMs,
      fleetDataShownMs,
      agentsPageMs: { median: quantileSorted(pageTimes, 0.5), max: pageTimes[pageTimes.length - 1]! },
      agentsSearchMs: { median: quantileSorted(searchTimes, 0.5), max: searchTimes[searchTimes.length - 1]! },
      agentsSortedPageMs: { median: quantileSorted(sortedTimes, 0.5), max: sortedTimes[sortedTimes.length - 1]! },
      graph: {
        nodes,
        edges: edges.length,
        firstDrawn,
        shownMs: graphShownMs,
        layoutAndBuildMs,
        longestTaskMs,
        drawingLongestTaskMs,
        navigateAwayMs,
        rendererMs: first('graph:renderer'),
        workerMs: first('graph:layout-worker'),
        planMs: first('graph:plan'),
        buildMs: first('graph:build'),
        setGraphMs: first('graph:set-graph'),
        frameMs: first('graph:frame'),
        zoom: {
          ...zoom,
          planMs: last('graph:plan'),
          buildMs: last('graph:build'),
          setGraphMs: last('graph:set-graph'),
        },
      },
    };
  } finally {
    await browser.close();
    await running.stop();
    await backends.close();
  }
}
