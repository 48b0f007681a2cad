/** The shapes of prometheus/rules/*.yml and prometheus/tests/*.test.yml that the tests read. */
export interface RuleFile {
  groups: Array<{ name: string; rules: Rule[] }>;
}

export interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface RuleTestFile {
  rule_files: string[];
  tests: Array<{
    name: string;
    alert_rule_test?: Array<{
      alertname: string;
      eval_time: string;
      exp_alerts: Array<{ exp_labels?: Record<string, string> }>;
    }>;
  }>;
}

export const ALERT_RULES = 'prometheus/rules/alerts.yml';
export const RECORDING_RULES = 'prometheus/rules/recording.yml';
export const ALERT_TESTS = 'prometheus/tests/alerts.test.yml';
