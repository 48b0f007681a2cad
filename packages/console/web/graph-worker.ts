/// <reference lib="webworker" />
import { requestJson } from './api';
import { drawingOf, layoutByCommunity, type Drawing, type Layout } from './graph-layout';
import { planBuffers, planDrawing, type DrawPlan, type Viewport } from './graph-lod';
import type { GraphAnswer } from './types';

/**
 * What the graph view asks its worker: first `layout` (read the graph at `url` with `key`, lay it out, keep it), then
 * a `plan` for each view the camera rests on (`view` absent: the whole graph), with the agents always drawn.
 */
export type GraphRequest =
  { type: 'layout'; url: string; key: string } | { type: 'plan'; seq: number; view?: Viewport; pinned: number[] };

/** The answers: the nodes' ids and the drawing part of the layout; a plan (for request `seq`); or why it failed. */
export type GraphReply =
  | { type: 'layout'; ids: string[]; drawing: Drawing; fetchMs: number; layoutMs: number }
  | { type: 'plan'; seq: number; plan: DrawPlan; planMs: number }
  | { type: 'error'; error: string };

// The graph view's reading, layout and level of detail, off the page's main thread: reading a 50,000-edge answer
// (megabytes of JSON), Louvain on it, and choosing what to draw at each camera rest (a pass over every node and edge)
// take from tens of milliseconds to seconds on a slow machine. Only ids and typed arrays go to the page.
// The console's one tsconfig types `self` as the page's Window (DOM lib); in this file it is the worker's scope.
const scope = self as unknown as DedicatedWorkerGlobalScope;
let layout: Layout | undefined;

const reply = (message: GraphReply, transfer: Transferable[] = []) => scope.postMessage(message, transfer);

scope.onmessage = async (event: MessageEvent<GraphRequest>) => {
  const request = event.data;
  try {
    if (request.type === 'layout') {
      const started = performance.now();
      const answer = await requestJson<GraphAnswer>(request.url, request.key);
      const fetched = performance.now();
      layout = layoutByCommunity(answer);
      const { drawing, buffers } = drawingOf(layout);
      const ids = answer.nodes.map((node) => node.id);
      reply(
        { type: 'layout', ids, drawing, fetchMs: fetched - started, layoutMs: performance.now() - fetched },
        buffers,
      );
      return;
    }
    if (!layout) throw new Error('graph worker: a plan was asked before the layout');
    const started = performance.now();
    const plan = planDrawing(layout, request.view, request.pinned);
    reply({ type: 'plan', seq: request.seq, plan, planMs: performance.now() - started }, planBuffers(plan));
  } catch (error) {
    reply({ type: 'error', error: error instanceof Error ? error.message : String(error) });
  }
};
