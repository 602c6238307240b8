import { beforeAll, describe, expect, it } from '@jest/globals';
import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { kubectl } from '../support/kubectl.ts';
import { eventually, operators } from '../support/operator.ts';
import { tempDirs } from '../support/temp-dirs.ts';

// The Argo CD health check the README gives for greenroom.dev objects, run as Argo CD runs
// it — gopher-lua, the interpreter Argo CD embeds (test/support/argocd-health) — over the
// objects the real operator writes on the real control plane.
const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const namespace = 'argocd-health';
const newDir = tempDirs('argocd-');
const start = operators(namespace);
let checker = '';
let script = '';

/** The health.lua of the argocd-cm snippet in a README. */
function healthScript(readme: string): string {
  const block = [...readFileSync(join(root, readme), 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g)]
    .map((m) => m[1]!)
    .find((b) => /name: argocd-cm/.test(b));
  expect(block).toBeDefined();
  const customizations = parse((parse(block!) as { data: Record<string, string> }).data['resource.customizations']!) as Record<
    string,
    { 'health.lua': string }
  >;
  return customizations['greenroom.dev/*']!['health.lua'];
}

async function health(kind: string, name: string, edit: (object: any) => void = () => {}): Promise<{ status: string; message: string }> {
  const object = JSON.parse(await kubectl(['get', kind, name, '-n', namespace, '-o', 'json']));
  edit(object);
  const child = spawn(checker, [script], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  child.stdin.end(JSON.stringify(object));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`the health check failed on ${kind}/${name}: ${err}`);
  return JSON.parse(out) as { status: string; message: string };
}

const healthBecomes = (kind: string, name: string, status: string) =>
  eventually(
    `${kind}/${name} to be ${status} to Argo CD`,
    async () => {
      const verdict = await health(kind, name);
      return verdict.status === status ? verdict : undefined;
    },
    30_000,
  );

beforeAll(async () => {
  const dir = newDir();
  checker = join(dir, 'argocd-health');
  await run('go', ['build', '-o', checker, '.'], {
    cwd: join(root, 'test/support/argocd-health'),
    env: { ...process.env, GOFLAGS: '-mod=mod' },
  });
  script = join(dir, 'health.lua');
  await writeFile(script, healthScript('README.md'));
  await kubectl(['create', 'namespace', namespace]);
}, 300_000);

describe("the README's Argo CD health check", () => {
  it("when the chart's README gives it too, then it is the same script", () => {
    expect(healthScript('helm/greenroom/README.md')).toBe(healthScript('README.md'));
  });

  it('when objects are applied before and after the operator runs, then Argo CD sees Progressing, then Healthy or Degraded with the reason', async () => {
    await kubectl(
      ['apply', '-n', namespace, '-f', '-'],
      [
        'apiVersion: greenroom.dev/v1alpha1\nkind: Group\nmetadata: {name: team-a}\nspec: {type: team}\n',
        'apiVersion: greenroom.dev/v1alpha1\nkind: Component\nmetadata: {name: resolved}\nspec: {type: service, lifecycle: production, owner: team-a}\n',
        'apiVersion: greenroom.dev/v1alpha1\nkind: Component\nmetadata: {name: dangling}\nspec: {type: service, lifecycle: production, owner: team-gone}\n',
        'apiVersion: greenroom.dev/v1alpha1\nkind: Scorecard\nmetadata: {name: basics}\nspec:\n  levels: [{name: bronze}]\n  rules: [{name: owned, level: bronze, expression: "has(self.spec.owner)"}]\n',
        'apiVersion: greenroom.dev/v1alpha1\nkind: Initiative\nmetadata: {name: owned}\nspec: {scorecard: basics, targetLevel: bronze, deadline: "2099-01-01T00:00:00Z"}\n',
        'apiVersion: greenroom.dev/v1alpha1\nkind: Initiative\nmetadata: {name: orphaned}\nspec: {scorecard: no-such-scorecard, targetLevel: bronze, deadline: "2099-01-01T00:00:00Z"}\n',
        'apiVersion: greenroom.dev/v1alpha1\nkind: TemplateRun\nmetadata: {name: waiting}\nspec: {templateRef: {name: not-yet}, values: {}}\n',
      ].join('---\n'),
    );
    // Nothing has reconciled them yet.
    expect(await health('component', 'resolved')).toEqual({ status: 'Progressing', message: 'Waiting for the Greenroom operator' });

    await start();
    await healthBecomes('component', 'resolved', 'Healthy');
    expect((await healthBecomes('component', 'dangling', 'Degraded')).message).toMatch(/team-gone/);
    await healthBecomes('scorecard', 'basics', 'Healthy');
    await healthBecomes('initiative', 'owned', 'Healthy');
    expect((await healthBecomes('initiative', 'orphaned', 'Degraded')).message).toMatch(/no-such-scorecard/);
    // A run waiting for its Template is in progress, not broken.
    expect(
      (
        await eventually('the run to wait for its Template', async () => {
          const verdict = await health('templaterun', 'waiting');
          return /Template/.test(verdict.message) ? verdict : undefined;
        })
      ).status,
    ).toBe('Progressing');

    // A generation the operator has not observed yet (as right after a sync changed the
    // spec) is in progress, whatever the conditions say.
    expect(await health('component', 'resolved', (o) => (o.metadata.generation += 1))).toEqual({
      status: 'Progressing',
      message: expect.stringMatching(/not yet observed generation/),
    });
    // Fixing the reference makes it Healthy.
    await kubectl(['patch', 'component', 'dangling', '-n', namespace, '--type=merge', '-p', '{"spec":{"owner":"team-a"}}']);
    await healthBecomes('component', 'dangling', 'Healthy');
  });
});
