import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join, relative } from 'node:path';
import dockerignore from '@balena/dockerignore';
import { parseEnv } from '@swarmscope/core';
import { anomalyDetectorEnv } from '@swarmscope/anomaly-detector';
import { actuatorFromEnv, autoscalerEnv } from '@swarmscope/autoscaler';
import { emergenceDetectorEnv } from '@swarmscope/emergence-detector';
import { incidentsEnv } from '@swarmscope/incidents';
import { healthMonitorEnv } from '@swarmscope/health-monitor';
import { DockerfileParser, type Copy, type Instruction, type JSONInstruction } from 'dockerfile-ast';
import { composeEnvironment, composeServices } from './compose';
import { readJson, repoPath, repoRoot } from './repo';

// What can be checked of the image without a Docker engine (none runs here, and no registry serves base images, so
// the image itself is never built by the tests): the Dockerfile's COPY sources are in the build context, the commands
// it runs are the workspace's scripts, the build covers every program the image and compose start, those programs are
// the services' built mains, and a production install (what the image keeps) holds every module they load.

interface PackageJson {
  name: string;
  main?: string;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

const dockerfile = DockerfileParser.parse(readFileSync(repoPath('Dockerfile'), 'utf8'));
const ignored = dockerignore().add(readFileSync(repoPath('.dockerignore'), 'utf8'));
const rootPackage = readJson<PackageJson>('package.json');
const compose = composeServices;

/** The instructions of each stage, by stage name (or index). */
function stages(): Array<{ name: string; instructions: Instruction[] }> {
  const list: Array<{ name: string; instructions: Instruction[] }> = [];
  for (const instruction of dockerfile.getInstructions()) {
    if (instruction.getKeyword() === 'FROM') {
      const from = dockerfile.getFROMs()[list.length]!;
      list.push({ name: from.getBuildStage() ?? String(list.length), instructions: [] });
    } else list.at(-1)!.instructions.push(instruction);
  }
  return list;
}
const [build, runtime] = stages();
const args = (instruction: Instruction) => instruction.getArguments().map((a) => a.getValue());
/** A COPY's `--name=value` flag (Copy.getFromFlag answers null here, so read the flags). */
const flag = (instruction: Instruction, name: string) =>
  (instruction as Copy)
    .getFlags()
    .find((f) => f.getName() === name)
    ?.getValue();
/** The shell commands of a RUN, split at `&&`. */
const commands = (instruction: Instruction) =>
  args(instruction)
    .join(' ')
    .split('&&')
    .map((c) => c.trim().split(/\s+/));

/** A relative path in the build context exists and .dockerignore keeps it (a directory: its package.json and src). */
function inContext(path: string): string | undefined {
  const clean = path.replace(/^\.\//, '').replace(/\/$/, '');
  if (!existsSync(repoPath(clean))) return `${path}: does not exist`;
  if (ignored.ignores(clean)) return `${path}: excluded by .dockerignore`;
  return undefined;
}

/** `node <file>` → the workspace package whose built main it is: <pkg>/dist/main.js from <pkg>/src/main.ts. */
function builtMain(file: string): { folder: string; problem?: string } {
  const match = /^((?:services|tools|packages)\/[a-z-]+)\/dist\/main\.js$/.exec(file);
  if (!match) return { folder: '', problem: `${file}: not a <package>/dist/main.js` };
  const folder = match[1]!;
  const tsconfig = readJson<{ compilerOptions: { rootDir: string; outDir: string } }>(`${folder}/tsconfig.json`);
  if (tsconfig.compilerOptions.rootDir !== 'src' || tsconfig.compilerOptions.outDir !== 'dist')
    return { folder, problem: `${folder}: does not build src into dist` };
  if (!existsSync(repoPath(folder, 'src', 'main.ts'))) return { folder, problem: `${folder}/src/main.ts: missing` };
  if (!existsSync(repoPath(file))) return { folder, problem: `${file}: not built (the test command builds first)` };
  return { folder };
}

/** Folders `tsc -b` (the build script) builds: the root tsconfig's references. */
const built = readJson<{ references: Array<{ path: string }> }>('tsconfig.json').references.map((r) => r.path);

/** Every program the image's CMD and compose's swarmscope services start. */
const programs = [
  {
    who: 'Dockerfile CMD',
    command: (runtime!.instructions.filter((i) => i.getKeyword() === 'CMD').at(-1) as JSONInstruction)
      .getJSONStrings()
      .map((s) => s.getJSONValue()),
  },
  ...Object.entries(compose)
    .filter(([, service]) => service.image === 'swarmscope:local')
    .map(([name, service]) => ({ who: `compose ${name}`, command: service.command ?? [] })),
];

/** Workspace packages by name → folder. */
const workspace = new Map(
  ['packages', 'services', 'tools'].flatMap((top) =>
    readdirSync(repoPath(top))
      .filter((dir) => existsSync(repoPath(top, dir, 'package.json')))
      .map((dir) => [readJson<PackageJson>(`${top}/${dir}/package.json`).name, `${top}/${dir}`] as const),
  ),
);

function jsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return jsFiles(path);
    return path.endsWith('.js') ? [path] : [];
  });
}

/** `@scope/name/deep` → `@scope/name`; `name/deep` → `name`. */
const packageOf = (specifier: string) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

describe('the Dockerfile, checked without a Docker engine', () => {
  it('has a build stage and a runtime stage that copies the build, running as the node user', () => {
    expect(dockerfile.getFROMs().map((f) => f.getImageName())).toEqual(['node', 'node']);
    expect(build!.name).toBe('build');
    const copy = runtime!.instructions.find((i) => i.getKeyword() === 'COPY')!;
    expect(flag(copy, 'from')).toBe('build');
    const workdir = (stage: typeof build) => args(stage!.instructions.find((i) => i.getKeyword() === 'WORKDIR')!)[0];
    expect(args(copy)).toEqual([workdir(build), workdir(runtime)]);
    expect(args(runtime!.instructions.find((i) => i.getKeyword() === 'USER')!)).toEqual(['node']);
  });

  it('every path it COPYs from the build context exists and is not excluded by .dockerignore', () => {
    const sources = build!.instructions
      .filter((i) => i.getKeyword() === 'COPY' && flag(i, 'from') === undefined)
      .flatMap((i) => args(i).slice(0, -1));
    expect(sources.length).toBeGreaterThan(5);
    expect(sources.map(inContext).filter(Boolean)).toEqual([]);
    // What the build needs inside the copied folders: every package's manifest, tsconfig and sources.
    const needed = [...workspace.values(), 'examples'].flatMap((folder) =>
      [`${folder}/package.json`, `${folder}/tsconfig.json`, `${folder}/src`].filter((p) => existsSync(repoPath(p))),
    );
    expect(needed.map(inContext).filter(Boolean)).toEqual([]);
    // The context check can fail: built output and installed modules are excluded, so the image builds its own.
    expect(inContext('services/health-monitor/dist')).toMatch(/excluded/);
    expect(inContext('no-such-folder')).toMatch(/does not exist/);
  });

  it('the commands it runs are pnpm (the version the workspace asks for) and the workspace’s own scripts', () => {
    const runs = build!.instructions.filter((i) => i.getKeyword() === 'RUN').flatMap(commands);
    const pnpmInstall = runs.find((c) => c[0] === 'npm')!;
    expect(pnpmInstall.slice(0, 3)).toEqual(['npm', 'install', '-g']);
    expect(rootPackage).toMatchObject({ engines: { pnpm: `>=${pnpmInstall[3]!.replace('pnpm@', '')}` } });
    for (const command of runs.filter((c) => c[0] === 'pnpm' && c[1] === 'run'))
      expect(Object.keys(rootPackage.scripts ?? {})).toContain(command[2]);
    // The build script is tsc over the references, then the console's bundle: its script is in the context.
    const buildSteps = (rootPackage.scripts?.build ?? '').split('&&').map((c) => c.trim().split(/\s+/));
    expect(buildSteps[0]).toEqual(['tsc', '-b']);
    for (const step of buildSteps.slice(1)) {
      expect(step[0]).toBe('node');
      expect(inContext(step[1]!)).toBeUndefined();
    }
    expect(runs.filter((c) => c[0] === 'pnpm' && c[1] === 'install').map((c) => c.slice(2))).toEqual([
      ['--frozen-lockfile'],
      ['--frozen-lockfile', '--prod', '--ignore-scripts'],
    ]);
    // The build script builds the root tsconfig's references: each is copied into the context.
    expect(built.map(inContext).filter(Boolean)).toEqual([]);
  });

  it('every program the image and compose start is a service’s (or the CLI’s) built main, and the build builds it', () => {
    expect(programs.map((p) => p.who)).toEqual(
      expect.arrayContaining([
        'Dockerfile CMD',
        'compose health-monitor',
        'compose anomaly-detector',
        'compose emergence-detector',
        'compose autoscaler',
        'compose incidents',
        'compose simulator',
      ]),
    );
    for (const { who, command } of programs) {
      expect({ who, runtime: command[0] }).toEqual({ who, runtime: 'node' });
      const { folder, problem } = builtMain(command[1]!);
      expect({ who, problem }).toEqual({ who, problem: undefined });
      expect({ who, built: built.includes(folder) }).toEqual({ who, built: true });
    }
    expect(builtMain('services/health-monitor/src/main.ts').problem).toMatch(/not a <package>\/dist\/main.js/);
  });

  it('a production install holds every module the started programs load (their dependencies, not devDependencies)', () => {
    const started = programs.map((p) => builtMain(p.command[1]!).folder);
    const seen = new Set<string>();
    const queue = [...new Set(started)];
    const missing: string[] = [];
    while (queue.length > 0) {
      const folder = queue.shift()!;
      if (seen.has(folder)) continue;
      seen.add(folder);
      const manifest = readJson<PackageJson>(`${folder}/package.json`);
      const runtimeDeps = new Set(
        Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies, ...manifest.peerDependencies }),
      );
      for (const file of jsFiles(repoPath(folder, 'dist'))) {
        for (const [, specifier] of readFileSync(file, 'utf8').matchAll(/\brequire\("([^"]+)"\)/g)) {
          if (specifier!.startsWith('.') || isBuiltin(specifier!)) continue;
          const name = packageOf(specifier!);
          if (!runtimeDeps.has(name))
            missing.push(`${relative(repoRoot, file)} loads ${name}, not in ${folder}/package.json dependencies`);
          const local = workspace.get(name);
          if (local) queue.push(local);
        }
      }
    }
    expect(seen.size).toBeGreaterThanOrEqual(6);
    expect([...new Set(missing)]).toEqual([]);
  });
});

const environment = composeEnvironment;

describe('compose’s service variables', () => {
  const schemas: Record<string, Parameters<typeof parseEnv>[0]> = {
    'health-monitor': healthMonitorEnv,
    'anomaly-detector': anomalyDetectorEnv,
    'emergence-detector': emergenceDetectorEnv,
    autoscaler: autoscalerEnv,
    incidents: incidentsEnv,
  };

  it.each(Object.keys(schemas))(
    '%s: every variable compose sets is one the service reads, with a value it accepts',
    (name) => {
      const schema = schemas[name]!;
      const env = environment(name);
      expect(Object.keys(env).filter((key) => !(key in schema.shape))).toEqual([]);
      expect(() => parseEnv(schema, env)).not.toThrow();
    },
  );

  it('the autoscaler is dry-run by default and, switched to the simulator, gets a simulator actuator aimed at compose’s simulator', async () => {
    expect(parseEnv(autoscalerEnv, environment('autoscaler')).AUTOSCALER_ACTUATOR).toBe('dry-run');
    expect((await actuatorFromEnv(parseEnv(autoscalerEnv, environment('autoscaler')))).kind).toBe('dry-run');
    const switched = parseEnv(autoscalerEnv, environment('autoscaler', { AUTOSCALER_ACTUATOR: 'simulator' }));
    expect((await actuatorFromEnv(switched)).kind).toBe('simulator');
    // The URL names the simulator service and the port its control endpoint listens on, on every interface.
    const simulator = compose.simulator!;
    const controlPort = simulator.command![simulator.command!.indexOf('--control-port') + 1];
    expect(new URL(switched.SIMULATOR_CONTROL_URL!)).toMatchObject({ hostname: 'simulator', port: controlPort });
    expect(environment('simulator').HOST).toBe('0.0.0.0');
    // Without the URL the switch would fail at start, naming the variable.
    const { SIMULATOR_CONTROL_URL: _url, ...withoutUrl } = environment('autoscaler', {
      AUTOSCALER_ACTUATOR: 'simulator',
    });
    await expect(actuatorFromEnv(parseEnv(autoscalerEnv, withoutUrl))).rejects.toThrow(
      /SIMULATOR_CONTROL_URL: is required/,
    );
  });
});
