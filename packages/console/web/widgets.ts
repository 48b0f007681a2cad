import type { ComponentChildren } from 'preact';
import { html } from './html';

/** A headline number with its label. */
export function Stat(props: { label: string; value: string; tone?: 'ok' | 'warn' | 'bad' | undefined }) {
  return html`<div class=${`stat ${props.tone ?? ''}`}>
    <div class="stat-value">${props.value}</div>
    <div class="stat-label">${props.label}</div>
  </div>`;
}

/** A section with a heading; shows the load error, or "loading" until the first answer. */
export function Panel(props: {
  title: string;
  error?: string | undefined;
  loading?: boolean;
  children?: ComponentChildren;
  actions?: ComponentChildren;
}) {
  return html`<section class="panel">
    <header>
      <h2>${props.title}</h2>
      ${props.actions ?? null}
    </header>
    ${props.error ? html`<p class="error" role="alert">${props.error}</p>` : null}
    ${props.loading && !props.error ? html`<p class="muted">loading…</p>` : props.children}
  </section>`;
}

export function Badge(props: { value: string | undefined }) {
  return props.value ? html`<span class=${`badge badge-${props.value}`}>${props.value}</span>` : null;
}

/** Rows of [label, value] pairs. */
export function Facts(props: { rows: ReadonlyArray<readonly [string, ComponentChildren]> }) {
  return html`<dl class="facts">
    ${props.rows.map(
      ([label, value]) =>
        html`<dt>${label}</dt>
          <dd>${value}</dd>`,
    )}
  </dl>`;
}
