import { useRef, useState } from 'preact/hooks';
import { getJson, query, serviceUrl } from '../api';
import { Chart } from '../chart';
import { fmt } from '../format';
import { html } from '../html';
import { useLive } from '../live';
import { usePoll } from '../poll';
import { PALETTE } from '../palette';
import { windowCharts } from '../series';
import type { FleetSummary, Trends } from '../types';
import { Panel, Stat } from '../widgets';

const HOUR = 3_600_000;
const LIVE_POINTS = 120;

/** The fleet at a glance: what the terminal's summary line shows, drawn; windows per fleet, pool or model. */
export function FleetView() {
  const [scope, setScope] = useState('fleet/all');
  const live = useRef<{ times: number[]; samples: number[]; reports: number[] }>({
    times: [],
    samples: [],
    reports: [],
  });
  // Pushed by health-monitor every 2 s (Server-Sent Events); polled every 2 s where no stream can be had.
  const summary = useLive(
    serviceUrl('health', '/fleet/summary/stream'),
    'summary',
    () => getJson<FleetSummary>('health', '/fleet/summary'),
    2000,
    (answer: FleetSummary) => {
      const history = live.current;
      history.times.push(Date.now());
      history.samples.push(answer.ingest.samplesPerSecond);
      history.reports.push(answer.ingest.reportsPerSecond);
      if (history.times.length > LIVE_POINTS)
        for (const list of [history.times, history.samples, history.reports]) list.shift();
      return answer;
    },
  );
  const windows = usePoll(
    () => getJson<Trends>('health', `/windows/${scope}${query({ from: Date.now() - 6 * HOUR })}`),
    [scope],
    10_000,
  );
  const s = summary.data;
  const byStatus: Partial<FleetSummary['agents']['byStatus']> = s?.agents.byStatus ?? {};
  const scopes = s
    ? [
        ...Object.keys(s.agents.byPool).map((p) => `pool/${p}`),
        ...Object.keys(s.agents.byModel).map((m) => `model/${m}`),
      ]
    : [];

  return html`<div class="view" data-view="fleet" data-live=${summary.via}>
    <${Panel} title="Fleet now" error=${summary.error} loading=${!s}>
      ${
        s
          ? html`<div class="stats">
                <${Stat} label="agents" value=${fmt.int(s.agents.total)} />
                <${Stat} label="healthy" value=${fmt.int(byStatus.healthy ?? 0)} tone="ok" />
                <${Stat}
                  label="degraded"
                  value=${fmt.int(byStatus.degraded ?? 0)}
                  tone=${byStatus.degraded ? 'warn' : undefined}
                />
                <${Stat}
                  label="unhealthy"
                  value=${fmt.int(byStatus.unhealthy ?? 0)}
                  tone=${byStatus.unhealthy ? 'bad' : undefined}
                />
                <${Stat}
                  label="unresponsive"
                  value=${fmt.int(byStatus.unresponsive ?? 0)}
                  tone=${byStatus.unresponsive ? 'bad' : undefined}
                />
                <${Stat} label="latency p50" value=${fmt.seconds(s.latencySeconds.p50)} />
                <${Stat} label="latency p95" value=${fmt.seconds(s.latencySeconds.p95)} />
                <${Stat} label="latency p99" value=${fmt.seconds(s.latencySeconds.p99)} />
                <${Stat}
                  label="error rate"
                  value=${fmt.pct(s.errorRate)}
                  tone=${s.errorRate > 0.05 ? 'bad' : undefined}
                />
                <${Stat} label="samples/s" value=${fmt.int(s.ingest.samplesPerSecond)} />
                <${Stat}
                  label="rejected reports"
                  value=${fmt.int(s.ingest.rejectedReports)}
                  tone=${s.ingest.rejectedReports ? 'warn' : undefined}
                />
              </div>
              <${Chart}
                title="Ingest (live)"
                times=${live.current.times}
                height=${140}
                series=${[
                  { label: 'samples/s', color: PALETTE[0], values: live.current.samples },
                  { label: 'reports/s', color: PALETTE[2], values: live.current.reports },
                ]}
              />`
          : null
      }
    </${Panel}>
    <${Panel}
      title="Windows (last 6 h)"
      error=${windows.error}
      loading=${!windows.data}
      actions=${html`<label
        >series
        <select value=${scope} onChange=${(e: Event) => setScope((e.target as HTMLSelectElement).value)} name="scope">
          <option value="fleet/all">whole fleet</option>
          ${scopes.map((value) => html`<option value=${value}>${value.replace('/', ' ')}</option>`)}
        </select></label
      >`}
    >
      ${windows.data && windows.data.windows.length === 0 ? html`<p class="muted">No closed window yet (a window closes a minute after it starts).</p>` : null}
      <div class="grid2">
        ${
          windows.data && windows.data.windows.length > 0
            ? windowCharts(windows.data.windows).map(
                (chart) =>
                  html`<${Chart}
                    key=${chart.title}
                    title=${chart.title}
                    times=${windows.data!.windows.map((w) => w.start)}
                    series=${chart.series}
                    format=${chart.format}
                  />`,
              )
            : null
        }
      </div>
    </${Panel}>
  </div>`;
}
