import { h } from 'preact';
import htm from 'htm';

/** Preact's h through htm's tagged templates: components without a JSX build step. */
export const html = htm.bind(h);
