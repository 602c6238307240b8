import { describe, expect, it } from '@jest/globals';
import { siteBuildOptions } from '../../src/controllers/doc-source/build.ts';
import { docSourceController } from '../../src/controllers/doc-source/controller.ts';
import type { DocSourceObject } from '../../src/controllers/doc-source/decide.ts';
import { DEFAULT_DOCS_LIMITS } from '../../src/docs/limits.ts';
import { KubeApiError, type RawRequest } from '../../src/kube/raw-client.ts';
import { fakeContext, until } from '../support/fake-context.ts';

// The DocSource controller as a replica runs it — generic controller, triggers, the leader's
// look — over a fake context. The apiserver is a recorder that knows one ConfigMap of docs
// (or none); the site build is a stand-in (the real one is a child process, tested elsewhere).
const docSource = (configMap: string): DocSourceObject => ({
  metadata: { name: 'handbook', namespace: 'team-a', uid: 'ds-1', generation: 1, resourceVersion: '1' },
  spec: { entityRef: 'component:payments', source: { configMapRef: { name: configMap } } },
});

function harness(docs: Record<string, string> | undefined) {
  const requests: RawRequest[] = [];
  const client = {
    request: async <T>(req: RawRequest): Promise<T> => {
      requests.push(req);
      if (req.method === 'GET' && req.path.endsWith('/configmaps/handbook-docs')) {
        if (!docs) throw new KubeApiError(404, 'configmaps "handbook-docs" not found', {});
        return { metadata: { resourceVersion: '7' }, data: docs } as T;
      }
      return {} as T;
    },
  };
  const context = fakeContext({ client });
  const { controller } = docSourceController(context, {
    limits: DEFAULT_DOCS_LIMITS,
    allowHttpGit: false,
    workers: 1,
    build: async (files) => ({
      chunks: [Buffer.from(JSON.stringify(Object.keys(files)))],
      siteName: 'Handbook',
      pageCount: 1,
      warnings: [],
    }),
  });
  const statuses = () =>
    context.writes
      .filter((w) => w.kind === 'DocSource')
      .map(
        (w) => w.status as { conditions?: { type: string; status: string; reason: string; message: string }[]; site?: { chunks: number } },
      );
  const looks = () => requests.filter((r) => r.method === 'GET' && r.path.endsWith('/configmaps/handbook-docs')).length;
  return { context, controller, requests, statuses, looks };
}

describe('the DocSource controller', () => {
  it('when the docs ConfigMap is there, then the site is built, stored in ConfigMaps and recorded in the status', async () => {
    const { context, controller, requests, statuses } = harness({ 'index.md': '# Handbook\n' });
    context.source<DocSourceObject>('docsource').upsert(docSource('handbook-docs'));
    await controller.start();
    await until('the built site to be recorded', () => statuses().some((s) => s.site));
    expect(statuses().at(-1)?.site).toMatchObject({ chunks: 1 });
    expect(
      statuses()
        .at(-1)
        ?.conditions?.find((c) => c.type === 'BuildSucceeded'),
    ).toMatchObject({ status: 'True' });
    expect(requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/namespaces/team-a/configmaps')).toHaveLength(1);
    await controller.stop();
  });

  it('when the docs ConfigMap is missing, then the DocSource says why and is looked at again only after its backoff', async () => {
    const { context, controller, statuses, looks } = harness(undefined);
    context.source<DocSourceObject>('docsource').upsert(docSource('handbook-docs'));
    await controller.start();
    await until('the failure to be written', () => statuses().length > 0);
    const failed = statuses()[0]!.conditions?.find((c) => c.type === 'BuildSucceeded');
    expect(failed).toMatchObject({ status: 'False', reason: 'FetchFailed' });
    expect(failed?.message).toMatch(/handbook-docs/);
    expect(looks()).toBe(1);
    // Not at once: only when the clock has moved past the backoff does the controller look again.
    await context.clock.advance(1_000);
    expect(looks()).toBe(1);
    // A failure the author must fix is looked at again after a minute first (then backing off).
    await context.clock.advance(59_000);
    await until('a second look', () => looks() === 2);
    expect(statuses()).toHaveLength(2);
    await controller.stop();
  });
});

describe("what a DocSource's build is told", () => {
  it('when the docs are in git, then the build gets the location (URL, branch, directory) its pages link to for editing', () => {
    const inGit = (git: Record<string, string>): DocSourceObject => ({
      ...docSource('unused'),
      spec: { entityRef: 'handbook', source: { git: git as never } },
    });
    expect(siteBuildOptions(inGit({ url: 'https://github.com/acme/handbook', ref: 'docs-v2', path: 'site' }))).toEqual({
      base: '/docs/team-a/handbook',
      entityRef: 'component:team-a/handbook',
      editSource: { repository: 'https://github.com/acme/handbook', ref: 'docs-v2', path: 'site' },
    });
    // No ref: the branch the DocSource follows by default.
    expect(siteBuildOptions(inGit({ url: 'https://github.com/acme/handbook' })).editSource).toEqual({
      repository: 'https://github.com/acme/handbook',
      ref: 'main',
    });
    expect(siteBuildOptions(docSource('handbook-docs')).editSource).toBeUndefined();
  });
});
