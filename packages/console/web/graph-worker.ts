/// <reference lib="webworker" />
import { requestJson } from './api';
import { layoutByCommunity, layoutBuffers, type Layout } from './graph-layout';
import type { GraphAnswer } from './types';

/** What the graph view asks: the graph's URL and the key to read it with. */
export interface LayoutRequest {
  url: string;
  key: string;
}

/** The answer: the nodes' ids and their layout (typed arrays, transferred), or why it failed. */
export type LayoutReply = { ids: string[]; layout: Layout; fetchMs: number } | { error: string };

// The graph view's loading and layout, off the page's main thread: reading a 50,000-edge answer (megabytes of JSON)
// and Louvain on it take seconds on a slow machine. Only ids and typed arrays go back to the page.
// The console's one tsconfig types `self` as the page's Window (DOM lib); in this file it is the worker's scope.
const scope = self as unknown as DedicatedWorkerGlobalScope;
scope.onmessage = async (event: MessageEvent<LayoutRequest>) => {
  try {
    const started = performance.now();
    const answer = await requestJson<GraphAnswer>(event.data.url, event.data.key);
    const fetchMs = performance.now() - started;
    const layout = layoutByCommunity(answer);
    const reply: LayoutReply = { ids: answer.nodes.map((node) => node.id), layout, fetchMs };
    scope.postMessage(reply, layoutBuffers(layout));
  } catch (error) {
    const reply: LayoutReply = { error: error instanceof Error ? error.message : String(error) };
    scope.postMessage(reply);
  }
};
