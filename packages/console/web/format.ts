/** Display formats shared by every view. */
export const fmt = {
  int: (n: number): string => Math.round(n).toLocaleString('en'),
  num: (n: number, digits = 2): string =>
    Number.isFinite(n) ? n.toLocaleString('en', { maximumFractionDigits: digits }) : '–',
  pct: (ratio: number, digits = 1): string => (Number.isFinite(ratio) ? `${(ratio * 100).toFixed(digits)} %` : '–'),
  seconds: (s: number): string =>
    !Number.isFinite(s) ? '–' : s < 1 ? `${Math.round(s * 1000)} ms` : `${s.toFixed(2)} s`,
  usd: (n: number): string => `$${n.toLocaleString('en', { maximumFractionDigits: n < 1 ? 4 : 2 })}`,
  time: (ms: number | undefined): string => (ms === undefined ? '–' : new Date(ms).toLocaleTimeString('en-GB')),
  dateTime: (ms: number | undefined): string => (ms === undefined ? '–' : new Date(ms).toLocaleString('en-GB')),
  ago(ms: number, now = Date.now()): string {
    const s = Math.max(0, Math.round((now - ms) / 1000));
    if (s < 60) return `${s} s ago`;
    if (s < 3600) return `${Math.round(s / 60)} min ago`;
    return `${(s / 3600).toFixed(1)} h ago`;
  },
};

/** `#/agents/a%2F1` for an agent id: ids are URL-safe by the API's rules, encoded anyway. */
export const agentHref = (id: string): string => `#/agents/${encodeURIComponent(id)}`;
export const incidentHref = (id: string): string => `#/incidents/${encodeURIComponent(id)}`;
