import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commonEnv } from '@swarmscope/core';
import { anomalyDetectorEnv } from '@swarmscope/anomaly-detector';
import { autoscalerEnv } from '@swarmscope/autoscaler';
import { emergenceDetectorEnv } from '@swarmscope/emergence-detector';
import { healthMonitorEnv } from '@swarmscope/health-monitor';
import { incidentsEnv } from '@swarmscope/incidents';

// The documentation stays true to the code: every variable documented, the front door's commands the ones CI runs,
// the repository map complete, and the link checker that `pnpm run lint` runs catches what it should.

const ROOT = join(__dirname, '..', '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

describe('docs/configuration.md', () => {
  it('names every variable of every service schema', () => {
    const page = read('docs/configuration.md');
    const schemas = {
      commonEnv,
      healthMonitorEnv,
      anomalyDetectorEnv,
      emergenceDetectorEnv,
      autoscalerEnv,
      incidentsEnv,
    };
    const missing = Object.entries(schemas).flatMap(([schema, env]) =>
      Object.keys(env.shape)
        .filter((name) => !page.includes(`\`${name}\``))
        .map((name) => `${schema}.${name}`),
    );
    expect(missing).toEqual([]);
  });
});

describe('README.md', () => {
  const readme = read('README.md');

  it('gives the test command that CI runs, exactly', () => {
    const block = /\*\*Run the tests\*\*[\s\S]*?```sh\n([^\n]+)\n```/.exec(readme);
    expect(block).not.toBeNull();
    const command = block![1]!;
    expect(command).toBe('npm install -g pnpm@10 && pnpm install --frozen-lockfile && pnpm test');
    expect(read('.ci/run').split('\n')).toContain(command);
  });

  it('maps every folder of the repository and every package', () => {
    const tracked = spawnSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' });
    expect(tracked.status).toBe(0);
    const folders = new Set<string>();
    for (const file of tracked.stdout.split('\n')) {
      const parts = file.split('/');
      if (parts.length > 1) folders.add(parts[0]!);
      if (parts.length > 2 && ['packages', 'services', 'tools'].includes(parts[0]!))
        folders.add(`${parts[0]}/${parts[1]}`);
    }
    const map = /## Repository map\n\n```\n([\s\S]*?)```/.exec(readme)![1]!;
    const unmapped = [...folders].filter((folder) => !new RegExp(`^${folder.replace('.', '\\.')}[/ ]`, 'm').test(map));
    expect(unmapped).toEqual([]);
  });

  it('every package, service and tool has a README of its own', () => {
    const missing = ['packages', 'services', 'tools'].flatMap((group) =>
      readdirSync(join(ROOT, group))
        .filter(
          (name) =>
            existsSync(join(ROOT, group, name, 'package.json')) && !existsSync(join(ROOT, group, name, 'README.md')),
        )
        .map((name) => `${group}/${name}`),
    );
    expect(missing).toEqual([]);
  });
});

describe('scripts/check-links.mjs', () => {
  const run = (root: string) =>
    spawnSync(process.execPath, [join(ROOT, 'scripts', 'check-links.mjs'), root], { encoding: 'utf8' });

  it('passes on the repository', () => {
    const result = run(ROOT);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('names each broken link: a missing file, a missing heading, a path out of the repository', () => {
    const root = mkdtempSync(join(tmpdir(), 'swarmscope-links-'));
    mkdirSync(join(root, 'docs'));
    writeFileSync(join(root, 'docs', 'page.md'), '# A page\n\n## `POST /v1/ingest`\n');
    writeFileSync(
      join(root, 'README.md'),
      [
        '# Front',
        '[good](docs/page.md) [good anchor](docs/page.md#post-v1ingest) [folder](docs) [self](#front) [web](https://example.com/x)',
        '`[in code](nowhere.md)`',
        '[gone](docs/missing.md)',
        '[bad anchor](docs/page.md#nope)',
        '[outside](../DESIGN.md)',
        '![picture](docs/none.png)',
        '',
      ].join('\n\n'),
    );
    const result = run(root);
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      'check-links: README.md:7: "docs/missing.md": no such file docs/missing.md',
      'check-links: README.md:9: "docs/page.md#nope": docs/page.md has no heading #nope',
      'check-links: README.md:11: "../DESIGN.md" points outside the repository',
      'check-links: README.md:13: "docs/none.png": no such file docs/none.png',
    ]);
  });
});
