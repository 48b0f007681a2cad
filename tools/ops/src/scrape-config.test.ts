import { readYaml } from './repo';

interface ScrapeJob {
  job_name: string;
  static_configs: Array<{ targets: string[] }>;
  sample_limit?: number;
  label_limit?: number;
  metric_relabel_configs?: Array<{ action?: string; regex?: string }>;
}
interface PrometheusConfig {
  rule_files: string[];
  scrape_configs: ScrapeJob[];
  alerting: { alertmanagers: Array<{ static_configs: Array<{ targets: string[] }> }> };
}

const config = readYaml<PrometheusConfig>('prometheus/prometheus.yml');
const SERVICES: Record<string, string> = {
  'health-monitor': 'health-monitor:8080',
  'anomaly-detector': 'anomaly-detector:8081',
  'emergence-detector': 'emergence-detector:8082',
  autoscaler: 'autoscaler:8083',
  incidents: 'incidents:8084',
  simulator: 'simulator:9100',
};

describe('prometheus/prometheus.yml', () => {
  it('scrapes the five services on their ports and the simulator', () => {
    for (const [job, target] of Object.entries(SERVICES)) {
      expect(config.scrape_configs.find((j) => j.job_name === job)?.static_configs.flatMap((s) => s.targets)).toEqual([
        target,
      ]);
    }
  });

  it.each(Object.keys(SERVICES))(
    'job %s bounds cardinality: sample and label limits, per-agent labels dropped',
    (job) => {
      const scrape = config.scrape_configs.find((j) => j.job_name === job)!;
      expect(scrape.sample_limit).toBeGreaterThan(0);
      expect(scrape.label_limit).toBeGreaterThan(0);
      const drop = scrape.metric_relabel_configs?.find((r) => r.action === 'labeldrop');
      expect(drop?.regex?.split('|')).toEqual(expect.arrayContaining(['agent_id', 'trace_id']));
    },
  );

  it('loads the rules and sends alerts to Alertmanager', () => {
    expect(config.rule_files).toEqual(['rules/recording.yml', 'rules/alerts.yml']);
    expect(config.alerting.alertmanagers[0]?.static_configs[0]?.targets).toEqual(['alertmanager:9093']);
  });
});
