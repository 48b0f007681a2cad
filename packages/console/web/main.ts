import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { apiKey } from './api';
import { hashRoute } from './hash-query';
import { html } from './html';
import { AgentView } from './views/agent';
import { AgentsView } from './views/agents';
import { AutoscalingView } from './views/autoscaling';
import { EmergenceView } from './views/emergence';
import { FleetView } from './views/fleet';
import { GraphView } from './views/graph';
import { IncidentView, IncidentsView } from './views/incidents';
import { UsageView } from './views/usage';

/** The console's views, each with its URL (`#/<path>`), in the navigation's order. */
const NAV: ReadonlyArray<{ path: string; label: string }> = [
  { path: 'fleet', label: 'Fleet' },
  { path: 'agents', label: 'Agents' },
  { path: 'incidents', label: 'Anomalies & incidents' },
  { path: 'graph', label: 'Graph' },
  { path: 'emergence', label: 'Emergence' },
  { path: 'autoscaling', label: 'Autoscaling' },
  { path: 'usage', label: 'AI usage' },
];

/** `#/agents/a-1` → ['agents', 'a-1'] (a view's state after `?` is its own: hash-query.ts). */
function route(): string[] {
  const { parts } = hashRoute(window.location.hash);
  return parts.length ? parts : ['fleet'];
}

function View(props: { parts: string[] }) {
  const [section, id] = props.parts;
  switch (section) {
    case 'agents':
      return id ? html`<${AgentView} key=${id} id=${id} />` : html`<${AgentsView} />`;
    case 'incidents':
      return id ? html`<${IncidentView} key=${id} id=${id} />` : html`<${IncidentsView} />`;
    case 'graph':
      return html`<${GraphView} />`;
    case 'emergence':
      return html`<${EmergenceView} />`;
    case 'autoscaling':
      return html`<${AutoscalingView} />`;
    case 'usage':
      return html`<${UsageView} />`;
    case 'fleet':
      return html`<${FleetView} />`;
    default:
      return html`<p class="error">No view ${section}: pick one above.</p>`;
  }
}

/** The key the console sends (kept in this browser): needed for reads when read keys are set, and for writes. */
function KeyBox() {
  const [value, setValue] = useState(apiKey.get());
  return html`<form
    class="key"
    onSubmit=${(e: Event) => {
      e.preventDefault();
      apiKey.set(value.trim());
      window.location.reload();
    }}
  >
    <input
      name="api-key"
      type="password"
      placeholder="API key (optional)"
      value=${value}
      onInput=${(e: Event) => setValue((e.target as HTMLInputElement).value)}
    />
    <button type="submit">${apiKey.get() ? 'change key' : 'use key'}</button>
  </form>`;
}

function App() {
  // A navigation (a link, back, forward, an edited URL) shows its view afresh from the URL; a view recording its own
  // state in the URL (replaceHash) does not navigate.
  const [hash, setHash] = useState(window.location.hash);
  const parts = route();
  useEffect(() => {
    const onHash = () => setHash(window.location.hash);
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  return html`<header class="top">
      <a class="brand" href="#/fleet">Swarmscope</a>
      <nav>
        ${NAV.map((item) => html`<a href=${`#/${item.path}`} class=${parts[0] === item.path ? 'active' : ''}>${item.label}</a>`)}
      </nav>
      <${KeyBox} />
    </header>
    <main><${View} key=${hash} parts=${parts} /></main>`;
}

const root = document.getElementById('app')!;
// Preact renders beside what the page already holds: the "loading" line goes first.
root.replaceChildren();
render(html`<${App} />`, root);
