import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { probeReports, runCli, waitFor, type RunningCli } from './test-support/cli';
import { freePort } from '@swarmscope/testkit';

// The web console in a real browser (Debian's chromium, driven by playwright-core) against `swarmscope start` as a
// user runs it, with scoped API keys, a simulated fleet, and one agent of our own whose error burst must show up.
const SHOTS = join(__dirname, '..', '..', '..', 'artifacts', 'console');
const KEYS = { read: 'console-read', ingest: 'console-ingest', admin: 'console-admin' };
const PROBE = 'console-probe-1';

describe('the web console', () => {
  let cli: RunningCli;
  let url: string;
  let browser: Browser;
  const problems: string[] = [];
  const get = async (path: string, key = KEYS.read) => {
    const response = await fetch(url + path, { headers: { authorization: `Bearer ${key}` } });
    if (!response.ok) throw new Error(`${path}: ${response.status}`);
    return (await response.json()) as any;
  };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    cli = runCli(['start', '--agents', '120'], {
      HEALTH_MONITOR_PORT: String(port),
      ANOMALY_DETECTOR_PORT: '0',
      EMERGENCE_DETECTOR_PORT: '0',
      AUTOSCALER_PORT: '0',
      INCIDENTS_PORT: '0',
      API_KEYS: `read:${KEYS.read},ingest:${KEYS.ingest},admin:${KEYS.admin}`,
    });
    await waitFor('the platform', async () => ((await fetch(`${url}/readyz`)).ok ? true : undefined), 90_000);
    const posted = await fetch(`${url}/v1/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEYS.ingest}` },
      body: JSON.stringify({
        reports: probeReports(PROBE, Date.now(), {
          tools: { web_search: { calls: 1, errors: 0, durationSeconds: 0.3 } },
        }),
      }),
    });
    expect(posted.status).toBe(200);
    // The probe's burst goes through the real detectors and correlator before the browser looks for it.
    await waitFor(
      "the probe agent's anomaly",
      async () => ((await get(`/api/anomaly/agents/${PROBE}/anomalies`)).items.length > 0 ? true : undefined),
      90_000,
    );
    await waitFor(
      'an incident naming the probe agent',
      async () =>
        (await get('/api/incidents/incidents?limit=200')).items.some((i: any) => i.agents.includes(PROBE))
          ? true
          : undefined,
      90_000,
    );
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
      ],
    });
  }, 150_000);

  afterAll(async () => {
    await browser?.close();
    cli?.child.kill('SIGINT');
    await cli?.exited;
  });

  /** A page that records every console error, page error, failed request and 4xx/5xx answer into `problems`. */
  async function openPage(key: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    page.on('console', (message) => message.type() === 'error' && problems.push(`console: ${message.text()}`));
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    // A live stream the page closed on leaving its view is aborted by the page itself: not a failure.
    page.on(
      'requestfailed',
      (request) =>
        (request.url().endsWith('/stream') && request.failure()?.errorText === 'net::ERR_ABORTED') ||
        problems.push(`failed: ${request.url()} (${request.failure()?.errorText})`),
    );
    page.on(
      'response',
      (response) =>
        response.status() >= 400 &&
        !response.url().includes('/ack') &&
        problems.push(`${response.status()} ${response.url()}`),
    );
    // The key is in place before the page's script runs, as after a user entered it once. (Browser code as text: this
    // file is type-checked for Node, without the DOM's types.)
    await page.addInitScript(`localStorage.setItem('swarmscope.apiKey', ${JSON.stringify(key)})`);
    return page;
  }

  async function view(page: Page, hash: string, ready: string): Promise<void> {
    await page.goto(`${url}/#/${hash}`);
    await page.waitForSelector(ready, { timeout: 30_000 });
    await page.screenshot({ path: join(SHOTS, `${hash.replace(/\//g, '_')}.png`) });
  }

  it("shows every view with the seeded fleet's data and no console error or failed request", async () => {
    const page = await openPage(KEYS.read);
    const total = (await get('/fleet/summary')).agents.total;

    await view(page, 'fleet', '.stat-value');
    // The fleet's numbers are pushed (Server-Sent Events, with the read key), not polled.
    expect(await page.getAttribute('[data-view=fleet]', 'data-live')).toBe('stream');
    expect(await page.locator('.stat', { hasText: 'agents' }).first().locator('.stat-value').textContent()).toBe(
      String(total),
    );

    await view(page, 'agents', 'table[data-table=agents] tbody tr');
    expect(await page.locator('table[data-table=agents] tbody tr').count()).toBe(50);
    // The page is in the URL: reloaded, the second page shows again, as the API's own second page.
    const second = await get(`/agents?limit=50&cursor=${encodeURIComponent((await get('/agents?limit=50')).next)}`);
    await page.click('.pager button:last-child');
    await page.waitForFunction(
      `document.querySelector('table[data-table=agents] tbody tr a')?.textContent === ${JSON.stringify(second.items[0].id)}`,
    );
    expect(page.url()).toContain('page=2');
    await page.reload();
    await page.waitForFunction(
      `document.querySelector('table[data-table=agents] tbody tr a')?.textContent === ${JSON.stringify(second.items[0].id)}`,
    );
    expect(await page.locator('.pager span').textContent()).toBe('page 2');
    await page.click('.pager button:first-child');
    await page.waitForFunction(`document.querySelector('.pager span')?.textContent === 'page 1'`);
    await page.fill('input[name=prefix]', 'console-probe');
    await page.waitForFunction(`document.querySelectorAll('table[data-table=agents] tbody tr').length === 1`);
    expect(await page.locator('table[data-table=agents] tbody tr a').textContent()).toBe(PROBE);
    // So is the search: reloaded, the filter is still applied.
    await page.reload();
    await page.waitForFunction(`document.querySelectorAll('table[data-table=agents] tbody tr').length === 1`);
    expect(await page.inputValue('input[name=prefix]')).toBe('console-probe');

    // Sorted server-side: a click on "agent" (sorted by name already) turns the order; its second page is the API's.
    await view(page, 'agents', 'table[data-table=agents] tbody tr');
    const firstRow = `document.querySelector('table[data-table=agents] tbody tr a')?.textContent`;
    const descending = await get('/agents?sort=name&order=desc&limit=50');
    await page.click('th button[data-sort=name]');
    await page.waitForFunction(`${firstRow} === ${JSON.stringify(descending.items[0].id)}`);
    expect(page.url()).toContain('sort=name&order=desc');
    expect(await page.getAttribute('th:has(button[data-sort=name])', 'aria-sort')).toBe('descending');
    const descendingNext = await get(
      `/agents?sort=name&order=desc&limit=50&cursor=${encodeURIComponent(descending.next)}`,
    );
    await page.click('.pager button:last-child');
    await page.waitForFunction(`${firstRow} === ${JSON.stringify(descendingNext.items[0].id)}`);
    await page.reload();
    await page.waitForFunction(`${firstRow} === ${JSON.stringify(descendingNext.items[0].id)}`);

    await view(page, `agents/${PROBE}`, 'table[data-table=agent-anomalies] tbody tr');
    const anomaly = (await get(`/api/anomaly/agents/${PROBE}/anomalies`)).items[0];
    expect(await page.locator('table[data-table=agent-anomalies]').textContent()).toContain(anomaly.type);
    await page.waitForSelector('.chart canvas');
    // Its incidents, as the incidents API lists them for it (`?agent=`): the probe's burst opened one.
    const probeIncidents = (await get(`/api/incidents/incidents?agent=${PROBE}`)).items;
    expect(probeIncidents.length).toBeGreaterThan(0);
    await page.waitForSelector(`a[href="#/incidents/${probeIncidents[0].id}"]`);
    await page.waitForSelector('table[data-table=agent-tools] tbody tr');
    expect(await page.locator('table[data-table=agent-tools]').textContent()).toContain('web_search');

    await view(page, 'incidents', 'table[data-table=incidents] tbody tr');
    // The fleet keeps reporting: the page drew the graph as it was between these two reads.
    const before = (await get('/graph')).nodes.length;
    await view(page, 'graph', '.graph[data-drawn]:not([data-drawn=""])');
    const after = (await get('/graph')).nodes.length;
    const drawn = Number(await page.getAttribute('.graph', 'data-drawn'));
    expect(drawn).toBeGreaterThanOrEqual(before);
    expect(drawn).toBeLessThanOrEqual(after);
    expect(drawn).toBeGreaterThan(0);
    // 120 agents: few enough edges that all are drawn. "Find in graph" says when an agent is not there.
    expect(await page.getAttribute('.graph', 'data-edges-mode')).toBe('edges');
    expect(await page.locator('[data-edges]').textContent()).toMatch(/^Edges: all [\d,]+ of the agents in view\.$/);
    await page.fill('input[name=find-agent]', 'no-such-agent');
    await page.click('form.find button');
    await page.waitForSelector('form.find >> text=No agent no-such-agent in this graph.');
    await view(page, 'emergence', '[data-view=emergence] .panel');
    await view(page, 'autoscaling', 'table[data-table=decisions] tbody tr');
    await view(page, 'usage', 'table[data-table=models] tbody tr');
    expect(await page.locator('table[data-table=models]').textContent()).toContain('probe-model');
    expect(await page.locator('table[data-table=tools]').textContent()).toContain('web_search');
    expect(await page.locator('[data-view=usage] h2').allTextContents()).toEqual([
      'Model usage (last 6 h)',
      'Model usage over time',
      'Token usage trends',
      'Error analysis',
      'Function (tool) usage since start',
    ]);
    await page.waitForSelector('table[data-table=tool-errors]');
    await page.close();
    expect(problems).toEqual([]);
  }, 120_000);

  it("shows an incident's narrative; acknowledging needs the admin key", async () => {
    const incident = (await get('/api/incidents/incidents?limit=200')).items.find(
      (i: any) => i.agents.includes(PROBE) && i.status === 'open',
    );
    expect(incident).toBeDefined();
    const reader = await openPage(KEYS.read);
    await view(reader, `incidents/${incident.id}`, '.narrative');
    expect(await reader.locator('.narrative').textContent()).toContain(incident.narrative.what);
    await reader.click('button[name=ack]');
    await reader.waitForSelector('[data-outcome=refused]');
    expect(await reader.locator('[data-outcome]').textContent()).toContain('403 SWS_FORBIDDEN');
    expect((await get(`/api/incidents/incidents/${incident.id}`)).status).toBe('open');
    await reader.close();

    const admin = await openPage(KEYS.admin);
    await view(admin, `incidents/${incident.id}`, '.narrative');
    await admin.click('button[name=ack]');
    await admin.waitForSelector('[data-outcome=ok]');
    expect((await get(`/api/incidents/incidents/${incident.id}`)).status).toBe('acknowledged');
    await admin.close();
  }, 60_000);

  it("says why the graph is not drawn when the key may not read it (the layout worker's own call)", async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    await page.addInitScript(`localStorage.setItem('swarmscope.apiKey', ${JSON.stringify(KEYS.ingest)})`);
    await page.goto(`${url}/#/graph`);
    await page.waitForSelector('[data-view=graph] .error');
    expect(await page.locator('[data-view=graph] .error').textContent()).toContain('scope is ingest');
    expect(await page.getAttribute('.graph', 'data-drawn')).toBe('');
    await page.close();
  });

  it('serves its files without a key but the data only with one', async () => {
    expect((await fetch(`${url}/`)).status).toBe(200);
    expect((await fetch(`${url}/console/console.js`)).status).toBe(200);
    const anonymous = await fetch(`${url}/api/anomaly/anomalies`);
    expect(anonymous.status).toBe(401);
    expect(
      (await fetch(`${url}/api/nowhere/anomalies`, { headers: { authorization: `Bearer ${KEYS.read}` } })).status,
    ).toBe(404);
  });
});
