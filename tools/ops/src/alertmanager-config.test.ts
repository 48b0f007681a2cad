import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { readFileSync } from 'node:fs';
import { freePort } from '@swarmscope/core';
import { repoPath } from './repo';
import { runToEnd, startDaemon, type Daemon } from './processes';
import { waitFor } from './wait-for';
import { startWebhookReceiver } from './webhook-receiver';

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
    for (const webhook of receiver.webhook_configs ?? []) webhook.url = `${webhookBase}${new URL(webhook.url).pathname}`;
  }
  return stringify(config);
}

// A per-agent SwarmscopeAnomaly alert as the anomaly-detector used to post it. The incidents service now sends
// SwarmscopeIncident alerts instead (services/incidents/src/alertmanager-sink.ts): the routes and inhibitions below
// are the ops hand-off's to move over to them.
const perAgentAlert = (agentId: string, pool: string) => ({
  labels: { alertname: 'SwarmscopeAnomaly', anomaly_id: `${agentId}:1`, agent_id: agentId, pool, model: 'gpt-4o', anomaly_type: 'error_surge', severity: 'high', risk: 'low' },
  annotations: { summary: `error surge on agent ${agentId} (pool ${pool}, gpt-4o), score 0.90`, description: 'error rate 40 % against a baseline of 1 %.' },
  startsAt: new Date(Date.now() - 60_000).toISOString(),
});

describe('prometheus/alertmanager/alertmanager.yml', () => {
  it('amtool check-config accepts it', async () => {
    const result = await runToEnd('amtool', ['check-config', repoPath(CONFIG)], { install: INSTALL });
    expect(result.stdout).toContain('SUCCESS');
    expect(result.code).toBe(0);
  });

  it.each([
    [['alertname=SwarmscopeAnomaly', 'severity=critical', 'pool=support'], 'team-webhook'],
    [['alertname=SwarmscopePoolUnhealthy', 'severity=critical', 'pool=support'], 'oncall-webhook'],
    [['alertname=SwarmscopeBusLag', 'severity=warning'], 'team-webhook'],
  ])('routes %j to %s (amtool config routes test)', async (labels, receiver) => {
    const result = await runToEnd('amtool', ['config', 'routes', 'test', `--config.file=${repoPath(CONFIG)}`, ...labels], { install: INSTALL });
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
      const args = [`--config.file=${join(dir, 'alertmanager.yml')}`, `--storage.path=${dir}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address='];
      const binary = (await runToEnd('sh', ['-c', 'command -v prometheus-alertmanager || command -v alertmanager'])).stdout.trim();
      if (!binary) throw new Error(`alertmanager is not installed: ${INSTALL}`);
      alertmanager = startDaemon(binary, args);
      await waitFor('alertmanager ready', async () => ((await fetch(`${url}/-/ready`)).ok ? true : undefined), { detail: () => alertmanager.output() });
    });

    afterAll(async () => {
      await alertmanager?.stop();
      await webhook?.close();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('a pool-wide alert silences the per-agent anomaly alerts of its pool, not those of other pools', async () => {
      const poolWide = {
        labels: { alertname: 'SwarmscopePoolUnhealthy', severity: 'critical', scope: 'pool', pool: 'support' },
        annotations: { summary: 'Pool support: more than 30 % of its agents are unhealthy or unresponsive' },
      };
      const alerts = [poolWide, perAgentAlert('support-1', 'support'), perAgentAlert('support-2', 'support'), perAgentAlert('coding-1', 'coding')];
      const posted = await fetch(`${url}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts) });
      expect(posted.status).toBe(200);

      interface GettableAlert {
        labels: Record<string, string>;
        status: { state: string; inhibitedBy: string[] };
      }
      const state = await waitFor('all four alerts known', async () => {
        const list = (await (await fetch(`${url}/api/v2/alerts`)).json()) as GettableAlert[];
        return list.length === 4 && list.every((a) => a.status.state !== 'unprocessed') ? list : undefined;
      });
      const byAgent = (agent: string) => state.find((a) => a.labels.agent_id === agent)!;
      expect(byAgent('support-1').status.state).toBe('suppressed');
      expect(byAgent('support-1').status.inhibitedBy).toHaveLength(1);
      expect(byAgent('support-2').status.state).toBe('suppressed');
      expect(byAgent('coding-1').status).toMatchObject({ state: 'active', inhibitedBy: [] });
      expect(state.find((a) => a.labels.alertname === 'SwarmscopePoolUnhealthy')!.status.state).toBe('active');

      // Notifications: the pool-wide page goes on call, the other pool's anomaly to the team, the silenced ones nowhere.
      await waitFor('both notifications', async () => {
        const paths = webhook.received.map((r) => r.path);
        return paths.includes('/swarmscope/oncall') && paths.includes('/swarmscope/team') ? true : undefined;
      });
      const oncall = webhook.received.filter((r) => r.path === '/swarmscope/oncall').flatMap((r) => r.body.alerts.map((a) => a.labels.alertname));
      expect(new Set(oncall)).toEqual(new Set(['SwarmscopePoolUnhealthy']));
      const team = webhook.received.filter((r) => r.path === '/swarmscope/team');
      expect(team.flatMap((r) => r.body.alerts.map((a) => a.labels.agent_id))).toEqual(['coding-1']);
      expect(team[0]!.body.groupLabels).toEqual({ pool: 'coding', anomaly_type: 'error_surge' });
    });
  });
});
