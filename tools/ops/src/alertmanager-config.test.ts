import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { readFileSync } from 'node:fs';
import { type Incident } from '@swarmscope/core';
import { toAlert } from '@swarmscope/incidents';
import { repoPath } from './repo';
import { runToEnd, startDaemon, type Daemon } from './processes';
import { waitFor } from './wait-for';
import { startWebhookReceiver } from './webhook-receiver';
import { freePort } from '@swarmscope/testkit';

const CONFIG = 'prometheus/alertmanager/alertmanager.yml';
const INSTALL = 'apt-get install prometheus-alertmanager (the test command does it)';

interface Route {
  receiver?: string;
  group_wait?: string;
  group_interval?: string;
  repeat_interval?: string;
  routes?: Route[];
}
interface AlertmanagerConfig {
  route: Route;
  receivers: Array<{ name: string; webhook_configs?: Array<{ url: string }> }>;
}

/** The config under test with its webhooks pointed at `webhookBase` and its waits shortened; routes and inhibitions untouched. */
function renderForTest(webhookBase: string): string {
  const config = parse(readFileSync(repoPath(CONFIG), 'utf8')) as AlertmanagerConfig;
  const shorten = (route: Route) => {
    if (route.group_wait) route.group_wait = '1s';
    if (route.group_interval) route.group_interval = '1s';
    route.routes?.forEach(shorten);
  };
  shorten(config.route);
  for (const receiver of config.receivers) {
    for (const webhook of receiver.webhook_configs ?? [])
      webhook.url = `${webhookBase}${new URL(webhook.url).pathname}`;
  }
  return stringify(config);
}

/** An open incident of one pool, started a minute ago, as the incidents service would post it (`toAlert`). */
function incidentAlert(id: string, pool: string, severity: Incident['severity'] = 'high') {
  const startedAt = Date.now() - 60_000;
  const agents = [`${pool}-1`, `${pool}-2`, `${pool}-3`];
  const incident: Incident = {
    id,
    status: 'open',
    severity,
    title: `error surge across ${agents.length} agents of pool ${pool}`,
    revision: 1,
    startedAt,
    openedAt: startedAt + 30_000,
    updatedAt: startedAt + 30_000,
    lastEventAt: startedAt,
    pools: [pool],
    models: ['gpt-4o'],
    agents,
    agentCount: agents.length,
    anomalies: agents.map((agentId, n) => ({
      id: `${agentId}:1`,
      agentId,
      pool,
      model: 'gpt-4o',
      type: 'error_surge',
      severity,
      score: 0.9,
      startedAt: startedAt + n * 1000,
      evidence: { error_rate: 0.4 },
    })),
    anomalyCount: agents.length,
    activeAnomalies: agents.length,
    emergence: [],
    reasons: [`burst of ${agents.length} onsets in pool ${pool}`],
    narrative: {
      source: 'template',
      template: 'burst',
      revision: 1,
      generatedAt: startedAt + 30_000,
      what: 'error rate 40 % against a baseline of 1 %',
      where: `pool ${pool}`,
      since: 'a minute',
      cause: 'unknown',
      next: 'look at the pool',
    },
    timeline: [{ at: startedAt + 30_000, kind: 'opened', detail: 'burst' }],
  };
  return toAlert(incident, 'http://incidents:8084');
}

describe('prometheus/alertmanager/alertmanager.yml', () => {
  it('amtool check-config accepts it', async () => {
    const result = await runToEnd('amtool', ['check-config', repoPath(CONFIG)], { install: INSTALL });
    expect(result.stdout).toContain('SUCCESS');
    expect(result.code).toBe(0);
  });

  it.each([
    [['alertname=SwarmscopeIncident', 'severity=high', 'pool=support', 'incident_id=inc-1'], 'team-webhook'],
    [['alertname=SwarmscopeIncident', 'severity=critical', 'pool=support', 'incident_id=inc-1'], 'oncall-webhook'],
    [['alertname=SwarmscopePoolUnhealthy', 'severity=critical', 'pool=support'], 'oncall-webhook'],
    [['alertname=SwarmscopeBusLag', 'severity=warning'], 'team-webhook'],
  ])('routes %j to %s (amtool config routes test)', async (labels, receiver) => {
    const result = await runToEnd(
      'amtool',
      ['config', 'routes', 'test', `--config.file=${repoPath(CONFIG)}`, ...labels],
      { install: INSTALL },
    );
    expect(result.stdout.trim()).toBe(receiver);
  });

  describe('loaded by a real Alertmanager', () => {
    let dir: string;
    let alertmanager: Daemon;
    let url: string;
    let webhook: Awaited<ReturnType<typeof startWebhookReceiver>>;

    beforeAll(async () => {
      webhook = await startWebhookReceiver();
      dir = await mkdtemp(join(tmpdir(), 'swarmscope-am-'));
      await writeFile(join(dir, 'alertmanager.yml'), renderForTest(webhook.url));
      const port = await freePort();
      url = `http://127.0.0.1:${port}`;
      const args = [
        `--config.file=${join(dir, 'alertmanager.yml')}`,
        `--storage.path=${dir}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--cluster.listen-address=',
      ];
      const binary = (
        await runToEnd('sh', ['-c', 'command -v prometheus-alertmanager || command -v alertmanager'])
      ).stdout.trim();
      if (!binary) throw new Error(`alertmanager is not installed: ${INSTALL}`);
      alertmanager = startDaemon(binary, args);
      await waitFor('alertmanager ready', async () => ((await fetch(`${url}/-/ready`)).ok ? true : undefined), {
        detail: () => alertmanager.output(),
      });
    });

    afterAll(async () => {
      await alertmanager?.stop();
      await webhook?.close();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('a pool-wide alert silences the incident alerts of its pool, not those of other pools', async () => {
      const poolWide = {
        labels: { alertname: 'SwarmscopePoolUnhealthy', severity: 'critical', scope: 'pool', pool: 'support' },
        annotations: { summary: 'Pool support: more than 30 % of its agents are unhealthy or unresponsive' },
      };
      interface GettableAlert {
        labels: Record<string, string>;
        status: { state: string; inhibitedBy: string[] };
      }
      const post = async (alerts: unknown[]) =>
        expect(
          (
            await fetch(`${url}/api/v2/alerts`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify(alerts),
            })
          ).status,
        ).toBe(200);
      // The pool-wide alert first, known to Alertmanager before the incidents come: posted in one batch, an incident's
      // group can be flushed before the inhibitor has seen its source (Alertmanager processes them concurrently).
      await post([poolWide]);
      await waitFor('the pool-wide alert active', async () => {
        const list = (await (await fetch(`${url}/api/v2/alerts`)).json()) as GettableAlert[];
        return list.some((a) => a.labels.alertname === 'SwarmscopePoolUnhealthy' && a.status.state === 'active')
          ? true
          : undefined;
      });
      await post([
        incidentAlert('inc-support-1', 'support'),
        incidentAlert('inc-support-2', 'support', 'critical'),
        incidentAlert('inc-coding-1', 'coding'),
      ]);

      const state = await waitFor('all four alerts known', async () => {
        const list = (await (await fetch(`${url}/api/v2/alerts`)).json()) as GettableAlert[];
        return list.length === 4 && list.every((a) => a.status.state !== 'unprocessed') ? list : undefined;
      });
      const byIncident = (id: string) => state.find((a) => a.labels.incident_id === id)!;
      expect(byIncident('inc-support-1').status.state).toBe('suppressed');
      expect(byIncident('inc-support-1').status.inhibitedBy).toHaveLength(1);
      expect(byIncident('inc-support-2').status.state).toBe('suppressed');
      expect(byIncident('inc-coding-1').status).toMatchObject({ state: 'active', inhibitedBy: [] });
      expect(state.find((a) => a.labels.alertname === 'SwarmscopePoolUnhealthy')!.status.state).toBe('active');

      // Notifications: the pool-wide page goes on call, the other pool's incident to the team, the silenced ones
      // (a critical one too) nowhere.
      await waitFor('both notifications', async () => {
        const paths = webhook.received.map((r) => r.path);
        return paths.includes('/swarmscope/oncall') && paths.includes('/swarmscope/team') ? true : undefined;
      });
      const oncall = webhook.received
        .filter((r) => r.path === '/swarmscope/oncall')
        .flatMap((r) => r.body.alerts.map((a) => a.labels.alertname));
      expect(new Set(oncall)).toEqual(new Set(['SwarmscopePoolUnhealthy']));
      const team = webhook.received.filter((r) => r.path === '/swarmscope/team');
      expect(team.flatMap((r) => r.body.alerts.map((a) => a.labels.incident_id))).toEqual(['inc-coding-1']);
      expect(team[0]!.body.groupLabels).toEqual({ incident_id: 'inc-coding-1' });
    });
  });
});
