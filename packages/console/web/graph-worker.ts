/// <reference lib="webworker" />
import { layoutByCommunity, type LayoutInput } from './graph-layout';

// The graph view's layout, off the page's main thread: Louvain on 50,000 edges takes seconds on a slow machine.
// The console's one tsconfig types `self` as the page's Window (DOM lib); in this file it is the worker's scope.
const scope = self as unknown as DedicatedWorkerGlobalScope;
scope.onmessage = (event: MessageEvent<LayoutInput>) => {
  const layout = layoutByCommunity(event.data);
  scope.postMessage(layout, [layout.x.buffer, layout.y.buffer, layout.size.buffer]);
};
