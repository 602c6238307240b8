import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { projectRoot } from '../../src/shared/paths.ts';
import { tempDirs } from '../support/temp-dirs.ts';

// The release workflow (.github/workflows/release.yml) runs only on GitHub, on a tag; these
// tests hold what a user installing the release relies on: the image the chart names by
// default is the one pushed, at the version the chart is published with.
interface Step {
  id?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Job {
  needs?: string | string[];
  permissions?: Record<string, string>;
  env?: Record<string, string>;
  outputs?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  on: { push: { tags: string[] } };
  permissions: Record<string, string>;
  env: Record<string, string>;
  jobs: Record<string, Job>;
}

const root = projectRoot();
const workflow = parse(readFileSync(join(root, '.github/workflows/release.yml'), 'utf8')) as Workflow;
const values = parse(readFileSync(join(root, 'helm/greenroom/values.yaml'), 'utf8')) as { image: { repository: string; tag: string } };
const newDir = tempDirs('release-workflow-');

function step(job: string, match: (s: Step) => boolean): Step {
  const found = workflow.jobs[job]?.steps.find(match);
  if (!found) throw new Error(`release.yml: no such step in ${job}`);
  return found;
}

/** Runs the check job's version step as GitHub would for a push of `tag`; returns its outputs. */
function versionStep(tag: string): { status: number | null; outputs: Record<string, string>; stdout: string } {
  const output = join(newDir(), 'output');
  const result = spawnSync('bash', ['-e', '-c', step('check', (s) => s.id === 'version').run ?? ''], {
    env: { PATH: process.env.PATH, GITHUB_REF_NAME: tag, GITHUB_OUTPUT: output, ...workflow.env },
    encoding: 'utf8',
  });
  const lines = result.status === 0 ? readFileSync(output, 'utf8').trim().split('\n') : [];
  return { status: result.status, outputs: Object.fromEntries(lines.map((l) => l.split(/=(.*)/s).slice(0, 2))), stdout: result.stdout };
}

describe('the release workflow', () => {
  it('when a release tag is pushed, then the image goes to the repository the chart names by default, tagged with the version and latest', () => {
    expect(workflow.on.push.tags).toEqual(['v*']);
    expect(workflow.env.IMAGE).toBe(values.image.repository);
    expect(versionStep('v1.2.3')).toEqual({
      status: 0,
      outputs: { version: '1.2.3', tags: `${values.image.repository}:1.2.3,${values.image.repository}:latest` },
      stdout: '',
    });
  });

  it('when a pre-release is tagged, then latest stays where it was; when the tag is not a version, then nothing is released', () => {
    expect(versionStep('v1.3.0-rc.1').outputs).toEqual({ version: '1.3.0-rc.1', tags: `${values.image.repository}:1.3.0-rc.1` });
    const bad = versionStep('v1.3');
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/^::error::the tag v1\.3 is not v<major>\.<minor>\.<patch>/);
  });

  it("when the chart is packaged, then its version and appVersion are the image's (values leave the tag empty so appVersion picks it)", () => {
    expect(values.image.tag).toBe('');
    expect(workflow.jobs.check!.outputs).toEqual({
      version: '${{ steps.version.outputs.version }}',
      tags: '${{ steps.version.outputs.tags }}',
    });
    expect(step('image', (s) => s.uses?.startsWith('docker/build-push-action@') ?? false).with?.tags).toBe(
      '${{ needs.check.outputs.tags }}',
    );
    expect(workflow.jobs.chart!.env).toEqual({ VERSION: '${{ needs.check.outputs.version }}' });
    expect(step('chart', (s) => s.run?.includes('helm package') ?? false).run).toMatch(
      /^helm package helm\/greenroom --version "\$VERSION" --app-version "\$VERSION" /m,
    );
    expect(workflow.jobs.chart!.needs).toContain('image');
  });

  it('when the image is built, then it is built from the Dockerfile for amd64 and arm64, with an SBOM and full provenance', () => {
    expect(step('image', (s) => s.uses?.startsWith('docker/build-push-action@') ?? false).with).toMatchObject({
      context: '.',
      platforms: 'linux/amd64,linux/arm64',
      push: true,
      sbom: true,
      provenance: 'mode=max',
    });
  });

  it('when the jobs are given permissions, then the default is read-only, only the pushing jobs write packages and none asks for an OIDC token', () => {
    expect(workflow.permissions).toEqual({ contents: 'read' });
    const writers = Object.entries(workflow.jobs)
      .filter(([, job]) => job.permissions?.packages === 'write')
      .map(([name]) => name);
    expect(writers).toEqual(['image', 'chart']);
    for (const job of Object.values(workflow.jobs)) {
      expect(Object.keys(job.permissions ?? {}).filter((p) => !['contents', 'packages'].includes(p))).toEqual([]);
      expect(job.permissions?.contents ?? 'read').toBe('read');
    }
  });
});
