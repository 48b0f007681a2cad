import { getJson, query } from '../api';
import { Chart } from '../chart';
import { fmt } from '../format';
import { html } from '../html';
import { usePoll } from '../poll';
import { PALETTE } from '../palette';
import type { EmergenceEvent, FleetState, Page } from '../types';
import { Panel } from '../widgets';

/** Order parameters drawn together, by what they measure. */
const GROUPS: ReadonlyArray<{ title: string; parameters: readonly string[] }> = [
  { title: 'Synchrony', parameters: ['synchronization', 'kuramoto_order'] },
  { title: 'Self-organisation (state entropy)', parameters: ['state_entropy'] },
  {
    title: 'Early-warning indicators',
    parameters: ['variance_trend_tau', 'autocorrelation_trend_tau', 'load_autocorrelation'],
  },
  {
    title: 'Agents failing, improving, oscillating',
    parameters: ['failing_agents', 'improving_agents', 'oscillating_agents'],
  },
];

/** What the fleet does as a whole: order parameters over time, with the emergence events on the same axis. */
export function EmergenceView() {
  const state = usePoll(() => getJson<FleetState>('emergence', '/fleet/state'), [], 10_000);
  const events = usePoll(
    () => getJson<Page<EmergenceEvent>>('emergence', `/events${query({ limit: 100 })}`),
    [],
    10_000,
  );
  const history = state.data?.history ?? [];
  const times = history.map((h) => h.time);
  const markers = (events.data?.items ?? []).map((e) => ({ at: e.startedAt, label: e.type }));
  const known = new Set(history.flatMap((h) => Object.keys(h.parameters)));

  return html`<div class="view" data-view="emergence">
    <${Panel} title="Order parameters" error=${state.error} loading=${!state.data}>
      ${history.length === 0 ? html`<p class="muted">No tick analysed yet.</p>` : null}
      <div class="grid2">
        ${GROUPS.map((group) => {
          const parameters = group.parameters.filter((p) => known.has(p));
          return parameters.length
            ? html`<${Chart}
                key=${group.title}
                title=${group.title}
                times=${times}
                markers=${markers}
                series=${parameters.map((p, i) => ({ label: p, color: PALETTE[i % PALETTE.length], values: history.map((h) => h.parameters[p] ?? null) }))}
              />`
            : null;
        })}
      </div>
    </${Panel}>
    <${Panel} title="Events" error=${events.error} loading=${!events.data}>
      <table class="table" data-table="emergence-events">
        <thead><tr><th>started</th><th>type</th><th>scope</th><th>agents</th><th>magnitude</th><th>confidence</th><th>explanation</th></tr></thead>
        <tbody>
          ${(events.data?.items ?? []).map(
            (e) =>
              html`<tr>
                <td>${fmt.dateTime(e.startedAt)}</td>
                <td>${e.type}</td>
                <td>${e.scope}</td>
                <td>${fmt.int(e.agents.length)}</td>
                <td>${fmt.num(e.magnitude)}</td>
                <td>${fmt.num(e.confidence)}</td>
                <td class="explain">${e.explanation}</td>
              </tr>`,
          )}
        </tbody>
      </table>
      ${events.data?.items.length === 0 ? html`<p class="muted">No event.</p>` : null}
    </${Panel}>
  </div>`;
}
