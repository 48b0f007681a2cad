import { join } from 'node:path';

/**
 * Where the bundled web console lives: `pnpm build` runs `bundle.mjs` (esbuild) into `dist/web`. The same path from
 * `src/` (tests) and `dist/` (the built package), so health-monitor serves one directory either way.
 */
export const consoleAssetsDir = join(__dirname, '..', 'dist', 'web');
