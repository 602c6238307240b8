import { beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cp, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { projectRoot } from '../../src/shared/paths.ts';
import { helm } from '../support/kubectl.ts';
import { tempDirs } from '../support/temp-dirs.ts';

// actionlint (built by tools/ci-lint/build.sh, like the control plane) over the GitHub
// Actions workflows, with Debian's shellcheck over their run: scripts: GitHub is the only
// place these workflows run, so a mistake would otherwise show on the first release tag.
const run = promisify(execFile);
const root = projectRoot();
const WORKFLOWS = join(root, '.github', 'workflows');
// A cold build of actionlint; `npm test` builds it before jest starts, so this is for a run
// of this file alone on a fresh cache.
const BUILD_TIMEOUT_MS = 600_000;
const FORMAT = '{{range $e := .}}{{$e.Filepath}}:{{$e.Line}}:{{$e.Column}}: {{$e.Message}} [{{$e.Kind}}]\n{{end}}';
const tempDir = tempDirs('greenroom-workflows-');

let actionlint = '';
let shellcheck = '';

beforeAll(async () => {
  const { stdout } = await run('bash', [join(root, 'tools', 'ci-lint', 'build.sh')], { maxBuffer: 1 << 20 });
  actionlint = join(stdout.trim().split('\n').at(-1) ?? '', 'actionlint');
  shellcheck = (await run('bash', ['-c', 'command -v shellcheck || true'])).stdout.trim();
}, BUILD_TIMEOUT_MS);

/** actionlint's findings over `files`, one line each; it exits 1 when it has some. */
async function lint(files: string[]): Promise<string[]> {
  // Without shellcheck actionlint skips run: scripts silently; the check must not shrink unseen.
  if (!shellcheck) throw new Error('shellcheck is not on PATH: apt-get install shellcheck (.ci/run installs it)');
  const args = ['-no-color', '-shellcheck', shellcheck, '-pyflakes=', '-format', FORMAT, ...files];
  try {
    await run(actionlint, args, { cwd: root, maxBuffer: 1 << 20 });
    return [];
  } catch (error) {
    const { code, stdout = '', stderr = '' } = error as { code?: number; stdout?: string; stderr?: string };
    if (code !== 1) throw new Error(`actionlint failed (${code}): ${stderr.trim() || String(error)}`);
    return stdout.trim().split('\n');
  }
}

describe('the GitHub Actions workflows', () => {
  it('when actionlint checks .github/workflows/ with shellcheck over the run: scripts, then it finds nothing', async () => {
    const files = readdirSync(WORKFLOWS)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort();
    expect(files).toEqual(['ci.yml', 'release.yml']);
    expect(await lint(files.map((f) => join(WORKFLOWS, f)))).toEqual([]);
  });

  it("when a workflow misspells an action's input and leaves a variable unquoted, then actionlint reports both", async () => {
    const file = join(tempDir(), 'broken.yml');
    await writeFile(
      file,
      [
        'on: push',
        'jobs:',
        '  build:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        '      - uses: actions/checkout@v6',
        '        with:',
        '          fetch-deepth: 1',
        '      - run: rm -rf $OUT/build',
        '',
      ].join('\n'),
    );
    const findings = await lint([file]);
    expect(findings).toEqual([
      expect.stringMatching(/broken\.yml:8:11: .*"fetch-deepth" is not defined.* \[action\]$/),
      expect.stringMatching(/broken\.yml:9:\d+: shellcheck reported issue in this script: SC2086:.* \[shellcheck\]$/),
    ]);
  });

  it("when the release's package step runs for tag v1.2.3, then the packaged chart's operator and scaffolding Jobs use the image the release pushed", async () => {
    const release = parse(readFileSync(join(WORKFLOWS, 'release.yml'), 'utf8')) as {
      env: { IMAGE: string };
      jobs: { chart: { steps: { run?: string }[] } };
    };
    const script = release.jobs.chart.steps.find((s) => s.run?.includes('helm package'))?.run ?? '';
    // The step as GitHub runs it, in a copy of the checkout's chart (it writes dist/chart/).
    const checkout = tempDir();
    await cp(join(root, 'helm'), join(checkout, 'helm'), { recursive: true });
    const helmDir = dirname(process.env.GREENROOM_TEST_BIN_HELM ?? '');
    await run('bash', ['-e', '-c', script], {
      cwd: checkout,
      env: { ...process.env, PATH: `${helmDir}:${process.env.PATH}`, VERSION: '1.2.3' },
    });
    const rendered = await helm(['template', 'greenroom', join(checkout, 'dist', 'chart', 'greenroom-1.2.3.tgz')]);
    const image = `${release.env.IMAGE}:1.2.3`;
    expect([...rendered.matchAll(/^ {10}image: "?([^"\s]+)"?$/gm)].map((m) => m[1])).toEqual([image]);
    expect(rendered).toContain(`--scaffold-image=${image}`);
  });
});
