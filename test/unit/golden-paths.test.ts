import { afterAll, describe, expect, it } from '@jest/globals';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { templateSpec } from '../../src/api/v1alpha1/template.ts';
import { catalogManifests } from '../../src/templates/register.ts';
import { renderText, renderTree } from '../../src/templates/render.ts';
import { readSkeletonDir, skeletonFromConfigMap, writeTree, type SkeletonFiles } from '../../src/file-tree/skeleton.ts';
import { checkValues } from '../../src/templates/values.ts';
import { skeletonConfigMapText, skeletonTemplates } from '../../tools/gen-skeletons.ts';
import { tempDirs } from '../support/temp-dirs.ts';

// The golden paths in templates/ as a user gets them: the committed ConfigMap is what the
// cluster holds, so rendering starts from it, and the rendered service is really run.
const templatesDir = fileURLToPath(new URL('../../templates/', import.meta.url));
const newDir = tempDirs('golden-path-');
const children: ChildProcess[] = [];
afterAll(() => children.forEach((c) => c.exitCode === null && c.kill('SIGKILL')));

const goldenPaths = [
  {
    name: 'typescript-service',
    type: 'service',
    values: {
      name: 'orders-api',
      description: 'Takes orders: "quoted", with colons.',
      owner: 'team-storefront',
      system: 'storefront',
      lifecycle: 'production',
      port: 8081,
      repoUrl: 'https://git.example.com/storefront/orders-api.git',
    },
    required: { name: 'orders-api', owner: 'team-storefront', repoUrl: 'https://git.example.com/storefront/orders-api.git' },
  },
  {
    name: 'docs-site',
    type: 'documentation',
    values: {
      name: 'checkout-handbook',
      title: 'Checkout handbook: the "how"',
      description: 'How checkout works: flows, runbooks.',
      owner: 'team-payments',
      system: 'payments',
      repoUrl: 'https://git.example.com/payments/checkout-handbook.git',
    },
    required: {
      name: 'checkout-handbook',
      title: 'Checkout handbook',
      owner: 'team-payments',
      repoUrl: 'https://git.example.com/payments/checkout-handbook.git',
    },
  },
];

const readText = (path: string) => readFileSync(join(templatesDir, path), 'utf8');

function templateOf(name: string) {
  return templateSpec.parse((parse(readText(`${name}/template.yaml`)) as { spec: unknown }).spec);
}

function renderCommitted(name: string, values: Record<string, unknown>): SkeletonFiles {
  const configMap = parse(readText(`${name}/skeleton.configmap.yaml`)) as {
    data?: Record<string, string>;
    binaryData?: Record<string, string>;
  };
  return renderTree(skeletonFromConfigMap(configMap.data ?? {}, configMap.binaryData ?? {}), values);
}

function text(files: SkeletonFiles, path: string): string {
  const content = files.get(path);
  if (typeof content !== 'string') throw new Error(`${path} is missing or not text`);
  return content;
}

function componentSpec(files: SkeletonFiles): Record<string, unknown> {
  const manifests = catalogManifests(text(files, 'catalog-info.yaml'), 'catalog-info.yaml', 'some-namespace');
  expect(manifests.map((m) => [m.kind, m.metadata?.namespace])).toEqual([['Component', 'some-namespace']]);
  return manifests[0]!.spec as Record<string, unknown>;
}

it('when templates/ is listed, then both golden paths have a skeleton', async () => {
  expect(await skeletonTemplates(templatesDir)).toEqual(['docs-site', 'typescript-service']);
});

describe('generating a skeleton ConfigMap', () => {
  it('when a skeleton has bytes and nested files, then bytes go to binaryData and "/" becomes "__", round-tripping', () => {
    const files: SkeletonFiles = new Map<string, string | Buffer>([
      ['src/main.ts', 'x'],
      ['logo.png', Buffer.from([0x89, 0, 1])],
    ]);
    const configMap = parse(skeletonConfigMapText('demo', files)) as {
      metadata: object;
      data: Record<string, string>;
      binaryData: Record<string, string>;
    };
    expect(configMap.metadata).toEqual({ name: 'demo-skeleton', labels: { 'app.kubernetes.io/part-of': 'greenroom' } });
    expect(skeletonFromConfigMap(configMap.data, configMap.binaryData)).toEqual(files);
  });

  it('when a skeleton path already holds "__", then it is refused naming the path', () => {
    expect(() => skeletonConfigMapText('demo', new Map([['src/a__b.ts', '']]))).toThrow(/templates\/demo\/skeleton\/src\/a__b\.ts/);
  });
});

describe.each(goldenPaths)('the $name golden path', ({ name, type, values, required }) => {
  it('when the skeleton is regenerated, then it equals the committed skeleton.configmap.yaml (run npm run gen:skeletons)', async () => {
    const generated = skeletonConfigMapText(name, await readSkeletonDir(join(templatesDir, name, 'skeleton')));
    expect(readText(`${name}/skeleton.configmap.yaml`)).toBe(generated);
    expect(generated.startsWith(`# Generated by tools/gen-skeletons.ts from templates/${name}/skeleton/`)).toBe(true);
  });

  it('when template.yaml is read, then the schema accepts it, it renders, publishes and registers from its ConfigMap, and links to the results', () => {
    const spec = templateOf(name);
    expect([spec.type, spec.skeleton.configMapRef?.name]).toEqual([type, `${name}-skeleton`]);
    expect(spec.steps.map((s) => s.action)).toEqual(['render', 'publish:git', 'register']);
    expect(renderText('url', spec.steps[1]!.publishGit!.url, values)).toBe(values.repoUrl);
    const run = { run: { name: 'a-run', namespace: 'some-namespace' } };
    expect((spec.output?.links ?? []).map((l) => [l.title, renderText('link', l.url, values, run)])).toEqual([
      ['Repository', values.repoUrl],
      ['Catalog', `/catalog/component/some-namespace/${values.name}`],
    ]);
  });

  it('when values are checked, then examples pass, and a missing owner or a bad name is named', () => {
    const { parameters } = templateOf(name);
    expect(checkValues(parameters, values)).toEqual({ ok: true });
    expect(checkValues(parameters, required)).toEqual({ ok: true });
    const { owner: _owner, ...withoutOwner } = values;
    expect(checkValues(parameters, withoutOwner)).toEqual({ ok: false, messages: ['values.owner is required'] });
    const badName = checkValues(parameters, { ...values, name: 'Orders_API' });
    expect(badName.ok ? [] : badName.messages).toEqual([expect.stringMatching(/^values\.name /)]);
  });

  it('when rendered from the ConfigMap, then no ${{ is left and catalog-info.yaml is a Component with the values', () => {
    const files = renderCommitted(name, values);
    for (const [path, content] of files) expect(`${path}: ${String(content).includes('${{')}`).toBe(`${path}: false`);
    expect(componentSpec(files)).toMatchObject({ type, owner: values.owner, system: values.system, description: values.description });
  });

  it('when no system is given, then the Component has no system key', () => {
    expect(componentSpec(renderCommitted(name, required))).not.toHaveProperty('system');
  });
});

describe('the typescript-service skeleton, rendered', () => {
  const [service] = goldenPaths;
  const files = renderCommitted('typescript-service', service!.values);

  it('when its manifests are read, then package.json names the service and the CI workflow parses', () => {
    expect(JSON.parse(text(files, 'package.json'))).toMatchObject({
      name: 'orders-api',
      type: 'module',
      scripts: { start: 'node src/server.ts' },
    });
    const ci = parse(text(files, '.github/workflows/ci.yaml')) as { jobs: { test: { steps: { run?: string }[] } } };
    expect(ci.jobs.test.steps.map((s) => s.run).filter(Boolean)).toContain('npm test');
    expect(componentSpec(files)).toMatchObject({ lifecycle: 'production' });
    expect(text(files, 'Dockerfile')).toMatch(/^EXPOSE 8081$/m);
  });

  it('when only the required values are given, then the defaults fill in', () => {
    const minimal = renderCommitted('typescript-service', service!.required);
    expect(componentSpec(minimal)).toMatchObject({ lifecycle: 'experimental', description: expect.any(String) });
    expect(text(minimal, 'src/server.ts')).toContain('process.env.PORT ?? 8080');
  });

  it('when written out, then its own tests pass and the server answers /healthz and stops on SIGTERM', async () => {
    const dir = newDir();
    await writeTree(dir, files);
    // Only what the generated repository itself would see: no jest flags or test context.
    const { NODE_OPTIONS: _options, NODE_TEST_CONTEXT: _context, ...env } = process.env;
    const tests = spawnSync(process.execPath, ['--test', 'test/**/*.test.ts'], { cwd: dir, env, encoding: 'utf8', timeout: 60_000 });
    expect({ status: tests.status, output: tests.status === 0 ? '' : tests.stdout + tests.stderr }).toEqual({ status: 0, output: '' });

    const port = await freePort();
    const server = spawn(process.execPath, ['src/server.ts'], {
      cwd: dir,
      env: { ...env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(server);
    const exited = once(server, 'exit');
    await lineMatching(server, /"msg":"listening"/, 15_000);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect([health.status, await health.text()]).toEqual([200, 'ok']);
    server.kill('SIGTERM');
    expect(await exited).toEqual([0, null]);
  }, 90_000);
});

describe('the docs-site skeleton, rendered', () => {
  const [, docs] = goldenPaths;
  const files = renderCommitted('docs-site', docs!.values);

  it('when mkdocs.yml is read, then it has the title and every nav page exists under docs/', () => {
    const mkdocs = parse(text(files, 'mkdocs.yml')) as { site_name: string; docs_dir: string; nav: Record<string, string>[] };
    expect([mkdocs.site_name, mkdocs.docs_dir]).toEqual([docs!.values.title, 'docs']);
    for (const page of mkdocs.nav.flatMap((entry) => Object.values(entry))) expect(files.has(`docs/${page}`)).toBe(true);
  });

  it('when the getting started page is read, then it shows a table, a code block and a note', () => {
    expect(text(files, 'docs/getting-started.md')).toMatch(/^\| .* \|$[\s\S]*^```sh$[\s\S]*^!!! note$/m);
  });
});

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Resolves with the first stdout line matching `pattern`; fails with the output so far. */
function lineMatching(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const fail = (why: string) => reject(new Error(`${why} before printing ${pattern}; output:\n${output}`));
    const timer = setTimeout(() => fail(`no line within ${timeoutMs} ms`), timeoutMs);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((l) => pattern.test(l));
      if (line !== undefined) {
        clearTimeout(timer);
        resolve(line);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(`exited with ${code}`);
    });
  });
}
