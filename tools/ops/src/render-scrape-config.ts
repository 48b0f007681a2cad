import { readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { repoPath } from './repo';

interface ScrapeJob {
  job_name: string;
  scrape_interval?: string;
  static_configs: Array<{ targets: string[]; labels?: Record<string, string> }>;
}
interface PrometheusConfig {
  global: Record<string, unknown>;
  rule_files?: string[];
  alerting?: unknown;
  scrape_configs: ScrapeJob[];
}

/**
 * A copy of a repository Prometheus config for a test: every job kept (its limits and relabelling untouched) whose
 * name is in `targets`, pointed at the given loopback addresses; intervals of a second so data comes quickly; rule
 * files made absolute; no Alertmanager. Jobs without a target here are left out (and listed, so the test can say so).
 */
export function renderScrapeConfig(file: string, targets: Record<string, string>): { yaml: string; omitted: string[] } {
  const config = parse(readFileSync(repoPath(file), 'utf8'), { merge: true }) as PrometheusConfig;
  config.global = { ...config.global, scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' };
  config.rule_files = config.rule_files?.map((rules) => repoPath('prometheus', rules));
  delete config.alerting;
  const omitted = config.scrape_configs.filter((job) => !(job.job_name in targets)).map((job) => job.job_name);
  config.scrape_configs = config.scrape_configs
    .filter((job) => job.job_name in targets)
    .map((job) => {
      const copy = {
        ...job,
        static_configs: job.static_configs.map((s) => ({ ...s, targets: [targets[job.job_name]!] })),
      };
      delete copy.scrape_interval;
      return copy;
    });
  return { yaml: stringify(config, { aliasDuplicateObjects: false }), omitted };
}
