import { readdirSync } from 'node:fs';
import { readJson, repoPath } from './repo';

/** The parts of Grafana's dashboard model the tests read. */
export interface GridPos {
  x: number;
  y: number;
  w: number;
  h: number;
}
export interface Target {
  refId: string;
  expr?: string;
  exemplar?: boolean;
  datasource?: { type: string; uid: string };
}
export interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  gridPos: GridPos;
  targets?: Target[];
}
export interface TemplateVariable {
  name: string;
  type: string;
  query: string | { query: string };
  includeAll?: boolean;
  allValue?: string;
}
export interface Annotation {
  name: string;
  datasource?: { type: string; uid: string };
  expr?: string;
  builtIn?: number;
}
export interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: TemplateVariable[] };
  annotations: { list: Annotation[] };
}

export const DASHBOARD_DIR = 'grafana/dashboards';

export function loadDashboards(): Array<{ file: string; dashboard: Dashboard }> {
  return readdirSync(repoPath(DASHBOARD_DIR))
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({ file, dashboard: readJson<Dashboard>(`${DASHBOARD_DIR}/${file}`) }));
}

/** One PromQL query of a dashboard: a panel target or an annotation. */
export interface DashboardQuery {
  dashboard: string;
  /** Panels draw series; annotations mark events, so theirs answer only while something happened. */
  kind: 'panel' | 'annotation';
  where: string;
  expr: string;
}

export function dashboardQueries(dashboard: Dashboard): DashboardQuery[] {
  const fromPanels = dashboard.panels.flatMap((panel) =>
    (panel.targets ?? [])
      .filter((t) => t.expr)
      .map((t) => ({
        dashboard: dashboard.title,
        kind: 'panel' as const,
        where: `panel "${panel.title}" ${t.refId}`,
        expr: t.expr!,
      })),
  );
  const fromAnnotations = dashboard.annotations.list
    .filter((a) => a.expr)
    .map((a) => ({
      dashboard: dashboard.title,
      kind: 'annotation' as const,
      where: `annotation "${a.name}"`,
      expr: a.expr!,
    }));
  return [...fromPanels, ...fromAnnotations];
}

/** The label_values(metric, label) query behind a template variable. */
export function variableQuery(variable: TemplateVariable): { metric: string; label: string } {
  const text = typeof variable.query === 'string' ? variable.query : variable.query.query;
  const match = /^label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*,\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\)$/.exec(text);
  if (!match) throw new Error(`variable ${variable.name}: not a label_values(metric, label) query: ${text}`);
  return { metric: match[1]!, label: match[2]! };
}

/** Grafana's built-in interval variables, as Grafana would fill them for a one-hour view. */
const BUILTINS: Record<string, string> = { __rate_interval: '1m', __interval: '15s', __range: '1h' };

/** Replaces $name / ${name} with `values[name]` (regex-escaped, as Grafana does inside =~) and the built-in intervals. */
export function substitute(expr: string, values: Record<string, string>): string {
  return expr.replace(/\$\{?([a-zA-Z_][a-zA-Z0-9_]*)\}?/g, (whole, name: string) => {
    if (name in BUILTINS) return BUILTINS[name]!;
    if (name in values) return values[name]!;
    throw new Error(`unknown variable ${whole} in ${expr}`);
  });
}

/** The rectangles of two panels intersect. */
export function overlaps(a: GridPos, b: GridPos): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}
