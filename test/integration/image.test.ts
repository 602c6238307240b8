import { beforeAll, describe, expect, it } from '@jest/globals';
import { execFile, spawn } from 'node:child_process';
import { cp, mkdir, readdir, readFile } from 'node:fs/promises';
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
  source: string;
  target: string;
}

/** The COPY instructions of the Dockerfile's last stage. */
async function finalStageCopies(): Promise<{ copies: Copy[]; entrypoint: string[] }> {
  const text = await readFile(join(root, 'Dockerfile'), 'utf8');
  const last = text.slice(text.lastIndexOf('\nFROM '));
  const copies = [...last.matchAll(/^COPY (?:--from=(\S+) )?(\S+) (\S+)$/gm)].map(([, from, source, target]) => ({ ...(from ? { from } : {}), source: source!, target: target! }));
  const entrypoint = JSON.parse(/^ENTRYPOINT (\[.*\])$/m.exec(last)![1]!) as string[];
  return { copies, entrypoint };
}

beforeAll(async () => {
  const dir = newDir();
  build = join(dir, 'build');
  app = join(dir, 'app');
  await mkdir(app, { recursive: true });
  // The build stage: compile src/ and tools/ as tsconfig.build.json says.
  await run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json'), '--outDir', join(build, 'dist')], { cwd: root });
  // The production-deps stage.
  await cp(join(root, 'package.json'), join(app, 'package.json'));
  await cp(join(root, 'package-lock.json'), join(app, 'package-lock.json'));
  await run('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: app, maxBuffer: 16 << 20 });
  // The final stage's COPYs, as Docker would do them into /app.
  for (const copy of (await finalStageCopies()).copies) {
    const source = sourceOf(copy);
    if (!existsSync(source) || copy.from === 'production-deps') continue;
    await cp(source, copy.target.endsWith('/') ? join(app, copy.target, basename(source)) : join(app, copy.target), { recursive: true });
  }
}, 300_000);

async function listFiles(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).sort();
}

/** Where a COPY's source is once the stage it comes from has run here. */
function sourceOf(copy: Copy): string {
  if (copy.from === 'build') return join(build, copy.source.replace(/^\/src\//, ''));
  if (copy.from === 'production-deps') return join(app, copy.source.replace(/^\/app\//, ''));
  return join(root, copy.source);
}

describe('the image, assembled without Docker', () => {
  it('when the final stage copies its files, then every source exists after the build steps', async () => {
    const { copies } = await finalStageCopies();
    expect(copies.length).toBeGreaterThan(4);
    for (const copy of copies) expect({ copy, exists: existsSync(sourceOf(copy)) }).toEqual({ copy, exists: true });
    expect(existsSync(join(app, 'dist/src/cli/main.js'))).toBe(true);
    // Production dependencies only: the compiler and the test tools are not there.
    for (const devOnly of ['typescript', 'jest', 'ts-jest', 'playwright-core']) expect(existsSync(join(app, 'node_modules', devOnly))).toBe(false);
  });

  it('when the entrypoint runs the operator from /app, then it serves the dashboard and stops cleanly on SIGTERM', async () => {
    const { entrypoint } = await finalStageCopies();
    expect(entrypoint.slice(-2)).toEqual(['node', '/app/dist/src/cli/main.js']);
    const main = join(app, 'dist/src/cli/main.js');
    const help = await run(process.execPath, [main, '--help'], { cwd: app, env: { PATH: process.env.PATH, NODE_ENV: 'production' } });
    expect(help.stdout).toMatch(/operator[\s\S]*scaffold/);

    await kubectl(['create', 'namespace', 'image-test']);
    // A read-only root filesystem: the operator must write nothing under /app.
    const filesBefore = await listFiles(app);
    const port = await freePort();
    const child = spawn(process.execPath, [main, 'operator', '--kubeconfig', process.env.KUBECONFIG!, '--port', String(port), '--host', '127.0.0.1', '--leader-elect=false', '--watch-namespace', 'image-test'], {
      cwd: '/',
      env: { PATH: process.env.PATH, NODE_ENV: 'production', HOME: newDir() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    child.stdout.on('data', (c: Buffer) => (log += c.toString()));
    child.stderr.on('data', (c: Buffer) => (log += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200, { what: 'the operator from /app', timeoutMs: 30_000 }).catch((error: Error) => {
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

