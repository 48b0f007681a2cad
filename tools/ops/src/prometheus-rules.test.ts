import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readYaml, repoPath } from './repo';
import { runToEnd } from './processes';
import { ALERT_RULES, ALERT_TESTS, RECORDING_RULES, type RuleFile, type RuleTestFile } from './prometheus-rules';

const INSTALL = 'apt-get install prometheus (Debian ships promtool with it; the test command installs it)';
const promtool = (...args: string[]) => runToEnd('promtool', args, { cwd: repoPath('prometheus'), install: INSTALL });

const alerts = readYaml<RuleFile>(ALERT_RULES).groups.flatMap((group) => group.rules);
const alertNames = alerts.map((rule) => rule.alert).filter((name): name is string => Boolean(name));

describe('prometheus/ against promtool', () => {
  it.each(['prometheus.yml', 'federation.yml'])('promtool check config %s', async (file) => {
    const result = await promtool('check', 'config', file);
    expect(`${result.stdout}${result.stderr}`).toContain('SUCCESS');
    expect(result.code).toBe(0);
  });

  it('promtool check rules: recording and alert rules', async () => {
    const result = await promtool('check', 'rules', 'rules/recording.yml', 'rules/alerts.yml');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('promtool test rules: every alert unit test passes', async () => {
    const result = await promtool('test', 'rules', 'tests/alerts.test.yml');
    expect(`${result.stdout}${result.stderr}`).toContain('SUCCESS');
    expect(result.code).toBe(0);
  });

  it('promtool test rules fails when an expectation is wrong (the harness can see a failing test)', async () => {
    // A rule test file whose only test expects the healthy fleet to alert: promtool must say FAILED.
    const dir = await mkdtemp(join(tmpdir(), 'swarmscope-promtool-'));
    try {
      const file = join(dir, 'wrong.test.yml');
      await writeFile(
        file,
        [
          `rule_files: ['${repoPath(RECORDING_RULES)}', '${repoPath(ALERT_RULES)}']`,
          'tests:',
          '  - interval: 1m',
          '    input_series:',
          `      - { series: 'swarmscope_agents{status="healthy",model="m",pool="p"}', values: '100x20' }`,
          '    alert_rule_test:',
          '      - { eval_time: 15m, alertname: SwarmscopeFleetHealthFalling, exp_alerts: [{ exp_labels: { severity: warning, scope: fleet } }] }',
        ].join('\n'),
      );
      const result = await promtool('test', 'rules', file);
      expect(result.code).not.toBe(0);
      expect(`${result.stdout}${result.stderr}`).toContain('FAILED');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('alert rules', () => {
  it('cover the alerts operators asked for', () => {
    expect(alertNames).toEqual(
      expect.arrayContaining([
        'SwarmscopeFleetHealthFalling',
        'SwarmscopePoolUnhealthy',
        'SwarmscopeErrorSurge',
        'SwarmscopeModelErrors',
        'SwarmscopeLatencyBudgetFastBurn',
        'SwarmscopeLatencyBudgetSlowBurn',
        'SwarmscopeAnomalyStorm',
        'SwarmscopeEmergenceEvent',
        'SwarmscopePhaseTransitionWarning',
        'SwarmscopeAutoscalerPinnedAtMax',
        'SwarmscopeIngestDrops',
        'SwarmscopeBusLag',
        'SwarmscopeBusEntriesLost',
        'SwarmscopeIncidentAlertsFailing',
        'SwarmscopeServiceDown',
      ]),
    );
    expect(new Set(alertNames).size).toBe(alertNames.length);
  });

  it.each(alertNames)('%s has a severity, a summary, a description and a runbook note', (name) => {
    const rule = alerts.find((r) => r.alert === name)!;
    expect(['critical', 'warning', 'info']).toContain(rule.labels?.severity);
    for (const key of ['summary', 'description', 'runbook'])
      expect(rule.annotations?.[key]?.trim().length ?? 0).toBeGreaterThan(10);
  });

  it('every alert has a unit test in which it fires', () => {
    const tests = readYaml<RuleTestFile>(ALERT_TESTS);
    expect(tests.rule_files).toEqual(['../rules/recording.yml', '../rules/alerts.yml']);
    const firing = new Set(
      tests.tests.flatMap((t) =>
        (t.alert_rule_test ?? []).filter((a) => a.exp_alerts.length > 0).map((a) => a.alertname),
      ),
    );
    expect(alertNames.filter((name) => !firing.has(name))).toEqual([]);
  });

  it('recording rules follow level:metric:operations and keep bounded labels only', () => {
    const records = readYaml<RuleFile>(RECORDING_RULES).groups.flatMap((g) => g.rules);
    expect(records.length).toBeGreaterThan(10);
    for (const rule of records) {
      expect(rule.record).toMatch(/^swarmscope:[a-z0-9_]+:[a-z0-9_]+$/);
      expect(rule.expr).not.toMatch(/agent_id|instance_id/);
    }
  });
});
