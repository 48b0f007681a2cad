// Bundles the web console (web/main.ts and its libraries) into dist/web: one script, its styles, index.html.
// No CDN: everything the page loads is served by health-monitor, so the console works offline.
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'dist', 'web');
mkdirSync(out, { recursive: true });
const common = {
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2022',
  legalComments: 'eof',
  logLevel: 'warning',
};
// The page, and the graph view's layout worker (its own script: a Worker loads a URL).
await build({ ...common, entryPoints: [join(here, 'web', 'main.ts')], outfile: join(out, 'console.js') });
await build({ ...common, entryPoints: [join(here, 'web', 'graph-worker.ts')], outfile: join(out, 'graph-worker.js') });
copyFileSync(join(here, 'web', 'index.html'), join(out, 'index.html'));
copyFileSync(join(here, 'web', 'console.css'), join(out, 'console.css'));
copyFileSync(createRequire(import.meta.url).resolve('uplot/dist/uPlot.min.css'), join(out, 'uplot.css'));
