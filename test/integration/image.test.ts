import { beforeAll, describe, expect, it } from '@jest/globals';
import { execFile, spawn } from 'node:child_process';
import { cp, mkdir, readdir, readFile, symlink } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort } from '../../src/local-cluster/ports.ts';
import { waitFor } from '../../src/local-cluster/health.ts';
import { kubectl } from '../support/kubectl.ts';
import { tempDirs } from '../support/temp-dirs.ts';

// There is no Docker engine here, so the image cannot be built. This checks what can be:
// every file the Dockerfile's final stage copies exists once its build steps have run (the
// TypeScript compile and `npm ci --omit=dev`, done here the same way), and the entrypoint
// starts from the compiled output with production dependencies only — /app assembled as
// the image would hold it.
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
