import { useState } from 'preact/hooks';
import { ApiError, getJson, postJson, query } from '../api';
import { Chart } from '../chart';
import { fmt } from '../format';
import { html } from '../html';
import { usePoll } from '../poll';
import { PALETTE } from '../palette';
import type { Decision, Page, Policy } from '../types';
import { Badge, Panel } from '../widgets';

/** Per pool: replicas desired vs current vs load with each decision's reason; policies, editable with an admin key. */
export function AutoscalingView() {
  const policies = usePoll(() => getJson<{ policies: Policy[] }>('autoscaler', '/policies'), [], 15_000);
  const pools = (policies.data?.policies ?? []).map((p) => p.pool).sort();
  const [chosen, setChosen] = useState('');
  const pool = chosen || pools[0] || '';
  const decisions = usePoll(
    async () =>
      pool ? (await getJson<Page<Decision>>('autoscaler', `/decisions${query({ pool, limit: 360 })}`)).items : [],
    [pool],
    10_000,
  );
  const ordered = [...(decisions.data ?? [])].sort((a, b) => a.at - b.at);
  const policy = policies.data?.policies.find((p) => p.pool === pool);

  return html`<div class="view" data-view="autoscaling">
    <${Panel}
      title=${`Autoscaling${pool ? `: ${pool}` : ''}`}
      error=${decisions.error ?? policies.error}
      loading=${!policies.data}
      actions=${html`<select
        name="pool"
        value=${pool}
        onChange=${(e: Event) => setChosen((e.target as HTMLSelectElement).value)}
      >
        ${pools.map((p) => html`<option value=${p}>${p}</option>`)}
      </select>`}
    >
      ${pools.length === 0 ? html`<p class="muted">No pool has reported yet.</p>` : null}
      ${
        ordered.length
          ? html`<div class="grid2">
              <${Chart}
                title="Replicas"
                times=${ordered.map((d) => d.at)}
                series=${[
                  { label: 'desired', color: PALETTE[3], values: ordered.map((d) => d.desired) },
                  { label: 'current', color: PALETTE[0], values: ordered.map((d) => d.current) },
                ]}
              />
              <${Chart}
                title="Load (requests/s)"
                times=${ordered.map((d) => d.at)}
                series=${[{ label: 'load', color: PALETTE[2], values: ordered.map((d) => d.inputs.loadRps) }]}
              />
            </div>`
          : null
      }
      <table class="table" data-table="decisions">
        <thead><tr><th>at</th><th>current → desired</th><th>direction</th><th>strategy</th><th>reason</th></tr></thead>
        <tbody>
          ${[...ordered]
            .reverse()
            .slice(0, 50)
            .map(
              (d) =>
                html`<tr>
                  <td>${fmt.time(d.at)}</td>
                  <td>${d.current} → ${d.desired}</td>
                  <td><${Badge} value=${d.direction} /></td>
                  <td>${d.strategy}</td>
                  <td class="explain">${d.reason}</td>
                </tr>`,
            )}
        </tbody>
      </table>
    </${Panel}>
    ${policy ? html`<${PolicyEditor} key=${pool} policy=${policy} onSaved=${policies.reload} />` : null}
  </div>`;
}

/** The pool's policy as JSON; saving posts it (the autoscaler validates it and needs an admin key). */
function PolicyEditor(props: { policy: Policy; onSaved(): void }) {
  const [text, setText] = useState(JSON.stringify(props.policy, null, 2));
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | undefined>(undefined);
  const save = () => {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      setOutcome({ ok: false, text: `not JSON: ${(error as Error).message}` });
      return;
    }
    postJson('autoscaler', '/policies', body).then(
      () => {
        setOutcome({ ok: true, text: 'saved' });
        props.onSaved();
      },
      (error: unknown) =>
        setOutcome({
          ok: false,
          text: error instanceof ApiError ? `${error.status} ${error.code}: ${error.message}` : String(error),
        }),
    );
  };
  return html`<${Panel} title=${`Policy of ${props.policy.pool}`} actions=${html`<button name="save-policy" onClick=${save}>Save</button>`}>
    ${outcome ? html`<p class=${outcome.ok ? 'ok' : 'error'} role="status">${outcome.text}</p>` : null}
    <textarea name="policy" class="policy" rows="14" value=${text} onInput=${(e: Event) => setText((e.target as HTMLTextAreaElement).value)}></textarea>
  </${Panel}>`;
}
