import { beforeAll, describe, expect, it } from '@jest/globals';
import { execFile, spawn } from 'node:child_process';
import { cp, mkdir, readdir, readFile, symlink } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort } from '../../src/local-cluster/ports.ts';
import { waitFor } from '../../src/local-cluster/health.ts';
import { kubectl } from '../support/kubectl.ts';
import { buildImage, unpackImage, type UnpackedImage } from '../support/oci-image.ts';
import { tempDirs } from '../support/temp-dirs.ts';

// Two views of the image. First /app assembled by hand as the Dockerfile's stages promise:
// every file the final stage copies exists once its build steps have run (the TypeScript
// compile and `npm ci --omit=dev`, done here the same way), and the entrypoint starts from
// the compiled output with production dependencies only. Then the image itself, built from
// the same Dockerfile by buildah (tools/image/build.sh: no Docker engine here, and the base
// made from Debian and the npm registry since no registry can be pulled from), unpacked from
// the OCI archive containerd imports and compared with that promise. The first build takes
// about 4 minutes (base ~1.5, image ~2.5); an unchanged one about 15 s.
const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const newDir = tempDirs('image-');
let app = '';
let build = '';

interface Copy {
  from?: string;
  sources: string[];
  target: string;
}

/** The COPY instructions and the entrypoint of one stage of the Dockerfile: `AS name`, or the last. */
async function stage(name?: string): Promise<{ copies: Copy[]; entrypoint?: string[] }> {
  const text = await readFile(join(root, 'Dockerfile'), 'utf8');
  const start = name ? text.search(new RegExp(`^FROM \\S+ AS ${name}$`, 'm')) : text.lastIndexOf('\nFROM ');
  expect(start).toBeGreaterThanOrEqual(0);
  const rest = text.slice(start).replace(/^\n/, '');
  const firstLine = rest.indexOf('\n');
  const next = rest.slice(firstLine).search(/^FROM /m);
  const body = next >= 0 ? rest.slice(0, firstLine + next) : rest;
  const copies = [...body.matchAll(/^COPY (?:--from=(\S+) )?(.+)$/gm)].map(([, from, args]) => {
    const parts = args!.trim().split(/\s+/);
    return { ...(from ? { from } : {}), sources: parts.slice(0, -1), target: parts.at(-1)! };
  });
  const entry = /^ENTRYPOINT (\[.*\])$/m.exec(body)?.[1];
  return { copies, ...(entry ? { entrypoint: JSON.parse(entry) as string[] } : {}) };
}

beforeAll(async () => {
  const dir = newDir();
  build = join(dir, 'build');
  app = join(dir, 'app');
  await mkdir(app, { recursive: true });
  // The build stage: only what it COPYs from the build context, then the compile it runs —
  // so code that imports something the image never gets (test/, bench/) fails here as it
  // would fail `docker build`.
  const context = join(dir, 'context');
  await mkdir(context);
  for (const copy of (await stage('build')).copies) {
    for (const source of copy.sources) await cp(join(root, source), join(context, source), { recursive: true });
  }
  await symlink(join(root, 'node_modules'), join(context, 'node_modules'));
  await run(
    process.execPath,
    [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(context, 'tsconfig.build.json'), '--outDir', join(build, 'dist')],
    { cwd: context },
  );
  // The production-deps stage.
  await cp(join(root, 'package.json'), join(app, 'package.json'));
  await cp(join(root, 'package-lock.json'), join(app, 'package-lock.json'));
  await run('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: app, maxBuffer: 16 << 20 });
  // The final stage's COPYs, as Docker would do them into /app.
  for (const copy of (await stage()).copies) {
    if (copy.from === 'production-deps') continue;
    for (const source of copy.sources.map((s) => sourceOf(copy.from, s))) {
      if (!existsSync(source)) continue;
      await cp(source, copy.target.endsWith('/') ? join(app, copy.target, basename(source)) : join(app, copy.target), { recursive: true });
    }
  }
}, 300_000);

async function listFiles(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).sort();
}

/** Where a COPY's source is once the stage it comes from has run here. */
function sourceOf(from: string | undefined, source: string): string {
  if (from === 'build') return join(build, source.replace(/^\/src\//, ''));
  if (from === 'production-deps') return join(app, source.replace(/^\/app\//, ''));
  return join(root, source);
}

describe('the image, assembled without Docker', () => {
  it('when the final stage copies its files, then every source exists after the build steps', async () => {
    const { copies } = await stage();
    expect(copies.length).toBeGreaterThan(4);
    for (const copy of copies) {
      for (const source of copy.sources)
        expect({ copy, source, exists: existsSync(sourceOf(copy.from, source)) }).toEqual({ copy, source, exists: true });
    }
    expect(existsSync(join(app, 'dist/src/cli/main.js'))).toBe(true);
    // Production dependencies only: the compiler and the test tools are not there.
    for (const devOnly of ['typescript', 'jest', 'ts-jest', 'playwright-core'])
      expect(existsSync(join(app, 'node_modules', devOnly))).toBe(false);
  });

  it('when the entrypoint runs the operator from /app, then it serves the dashboard and stops cleanly on SIGTERM', async () => {
    const { entrypoint } = await stage();
    expect(entrypoint?.slice(-2)).toEqual(['node', '/app/dist/src/cli/main.js']);
    const main = join(app, 'dist/src/cli/main.js');
    const help = await run(process.execPath, [main, '--help'], { cwd: app, env: { PATH: process.env.PATH, NODE_ENV: 'production' } });
    expect(help.stdout).toMatch(/operator[\s\S]*scaffold/);

    await kubectl(['create', 'namespace', 'image-test']);
    // A read-only root filesystem: the operator must write nothing under /app.
    const filesBefore = await listFiles(app);
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [
        main,
        'operator',
        '--kubeconfig',
        process.env.KUBECONFIG!,
        '--port',
        String(port),
        '--host',
        '127.0.0.1',
        '--leader-elect=false',
        '--watch-namespace',
        'image-test',
      ],
      {
        cwd: '/',
        env: { PATH: process.env.PATH, NODE_ENV: 'production', HOME: newDir() },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let log = '';
    child.stdout.on('data', (c: Buffer) => (log += c.toString()));
    child.stderr.on('data', (c: Buffer) => (log += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200, {
        what: 'the operator from /app',
        timeoutMs: 30_000,
      }).catch((error: Error) => {
        throw new Error(`${error.message}\n${log}`);
      });
      const home = await fetch(`http://127.0.0.1:${port}/`);
      expect(home.status).toBe(200);
      expect(await home.text()).toMatch(/Greenroom/);
      expect((await fetch(`http://127.0.0.1:${port}/static/app.css`)).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(await listFiles(app)).toEqual(filesBefore);
  });
});

describe('the image built from the Dockerfile by buildah', () => {
  let image: UnpackedImage;
  beforeAll(async () => {
    image = await unpackImage(await buildImage(root), newDir());
  }, 25 * 60_000);

  it('when its /app is listed, then it holds exactly what the final stage copies', async () => {
    // The hand-assembled /app also has the lockfile its `npm ci` ran from; the final stage
    // copies only node_modules out of that stage.
    const promised = (await listFiles(app)).filter((path) => path !== 'package-lock.json');
    expect(await listFiles(join(image.rootfs, 'app'))).toEqual(promised);
  });

  it('when its production dependencies are read, then they are those of the lockfile without a dev dependency', async () => {
    type Lock = { packages: Record<string, { dev?: boolean; optional?: boolean }> };
    const lock = JSON.parse(await readFile(join(root, 'package-lock.json'), 'utf8')) as Lock;
    const installed = JSON.parse(await readFile(join(image.rootfs, 'app/node_modules/.package-lock.json'), 'utf8')) as Lock;
    const names = Object.keys(installed.packages).sort();
    expect(names.filter((name) => !lock.packages[name] || lock.packages[name].dev)).toEqual([]);
    const required = Object.entries(lock.packages)
      .filter(([name, entry]) => name.startsWith('node_modules/') && !entry.dev && !entry.optional)
      .map(([name]) => name);
    expect(required.filter((name) => !names.includes(name))).toEqual([]);
    for (const devOnly of ['typescript', 'jest', 'ts-jest', 'playwright-core', 'node'])
      expect({ devOnly, present: existsSync(join(image.rootfs, 'app/node_modules', devOnly)) }).toEqual({ devOnly, present: false });
  });

  it('when its configuration is read, then it runs as 65532 through tini with git beside it', () => {
    expect(image.config.User).toBe('65532:65532');
    expect(image.config.Entrypoint).toEqual(['/usr/bin/tini', '--', 'node', '/app/dist/src/cli/main.js']);
    expect(image.config.Env).toEqual(expect.arrayContaining(['NODE_ENV=production', 'HOME=/tmp']));
    expect(image.config.Labels?.['org.opencontainers.image.version']).toBe(
      (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version,
    );
    for (const binary of ['usr/bin/git', 'usr/bin/tini', 'usr/local/bin/node'])
      expect({ binary, present: existsSync(join(image.rootfs, binary)) }).toEqual({ binary, present: true });
  });

  it('when its entrypoint runs with --help as its user, then the CLI starts and names its commands', async () => {
    const [user, group] = image.config.User!.split(':');
    const env = Object.fromEntries((image.config.Env ?? []).map((line) => line.split(/=(.*)/s).slice(0, 2)) as [string, string][]);
    const help = await run('chroot', [`--userspec=${user}:${group}`, image.rootfs, ...image.config.Entrypoint!, '--help'], {
      env,
      cwd: '/',
    });
    expect(help.stdout).toMatch(/operator[\s\S]*scaffold/);
  });
});
