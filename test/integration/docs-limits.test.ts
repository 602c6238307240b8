import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server, type Socket } from 'node:net';
import { kubectl } from '../support/kubectl.ts';
import { eventually } from '../support/operator.ts';
import { operatorProcesses, type OperatorProcess } from '../support/operator-process.ts';

// A tenant's DocSources that are too big, or whose git server stalls, against a real operator
// process (leader election on) with small docs limits: they fail alone, the operator does not.
const namespace = 'docs-limits';
const kubeconfig = process.env.KUBECONFIG ?? '';
const replica = operatorProcesses({
  kubeconfig,
  namespace,
  commandLine: (identity, port, metricsPort) => ({
    // The stalled source is a local http server, so http remotes are allowed here.
    args: [
      'operator',
      '--kubeconfig',
      kubeconfig,
      '--watch-namespace',
      namespace,
      '--lease-namespace',
      namespace,
      '--identity',
      identity,
      '--port',
      String(port),
      '--metrics-port',
      String(metricsPort),
      '--host',
      '127.0.0.1',
      '--log-level',
      'info',
      '--allow-http-git',
      'true',
      '--docs-max-pages',
      '3',
      '--docs-max-page-bytes',
      '4000000',
      '--docs-build-memory-mb',
      '32',
      '--docs-workers',
      '2',
    ],
    env: process.env,
  }),
});

interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
}
interface DocSourceStatus {
  phase?: string;
  consecutiveFailures?: number;
  conditions?: Condition[];
}
const statusOf = async (name: string): Promise<DocSourceStatus> =>
  (JSON.parse(await kubectl(['get', 'docsource', name, '-n', namespace, '-o', 'json'])) as { status?: DocSourceStatus }).status ?? {};
const failedWith = (name: string, reason: string, timeoutMs = 60_000) =>
  eventually(
    `${name} to fail with ${reason}`,
    async () => {
      const s = await statusOf(name);
      return s.conditions?.find((c) => c.type === 'BuildSucceeded' && c.status === 'False' && c.reason === reason) ? s : undefined;
    },
    timeoutMs,
  );
const ready = (name: string, timeoutMs = 60_000) =>
  eventually(`${name} to be Ready`, async () => ((await statusOf(name)).phase === 'Ready' ? true : undefined), timeoutMs);
const docSource = (name: string, source: string) =>
  `apiVersion: greenroom.dev/v1alpha1\nkind: DocSource\nmetadata: {name: ${name}}\nspec:\n  entityRef: orders\n  refreshInterval: 5s\n  source: ${source}\n`;
/** A ConfigMap of docs pages, as a tenant would create it (keys are paths). */
const pagesConfigMap = async (name: string, pages: Record<string, string>): Promise<void> => {
  await kubectl(['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data: pages }));
};

let operator: OperatorProcess;
/** A "git server" that accepts connections and never answers: a git host that hangs. */
let stalled: Server;
const stalledSockets = new Set<Socket>();

beforeAll(async () => {
  await kubectl(['create', 'namespace', namespace]);
  stalled = createServer((socket) => {
    stalledSockets.add(socket);
    socket.on('close', () => stalledSockets.delete(socket));
  });
  await new Promise<void>((resolve) => stalled.listen(0, '127.0.0.1', resolve));
  operator = await replica('docs-limits-op');
  await eventually('the replica to lead', async () => ((await operator.leading()) ? true : undefined), 30_000);
});
afterAll(async () => {
  for (const socket of stalledSockets) socket.destroy();
  await new Promise((resolve) => stalled?.close(resolve));
});

describe('docs builds within limits, on a real operator process', () => {
  it('when a DocSource has more pages than --docs-max-pages allows, then BuildSucceeded is False with reason LimitExceeded naming the flag, the failure is counted for backoff, and others still build', async () => {
    await pagesConfigMap('many-pages-src', { 'index.md': '# Home', 'a.md': '# A', 'b.md': '# B', 'c.md': '# C' });
    await kubectl(['apply', '-n', namespace, '-f', '-'], docSource('many-pages', '{configMapRef: {name: many-pages-src}}'));
    const status = await failedWith('many-pages', 'LimitExceeded');
    expect(status.conditions?.find((c) => c.type === 'BuildSucceeded')?.message).toBe(
      'the docs have 4 pages, which exceeds the limit of 3 (--docs-max-pages)',
    );
    expect(status.phase).toBe('Failed');
    expect(status.consecutiveFailures).toBeGreaterThanOrEqual(1);
    expect((await fetch(`${operator.url}/docs/${namespace}/many-pages`)).status).toBe(404);

    await pagesConfigMap('few-pages-src', { 'index.md': '# Home\n\nA few pages about puffins.' });
    await kubectl(['apply', '-n', namespace, '-f', '-'], docSource('few-pages', '{configMapRef: {name: few-pages-src}}'));
    await ready('few-pages');
    expect(await (await fetch(`${operator.url}/docs/${namespace}/few-pages`)).text()).toContain('puffins');
    // Its retries would otherwise compete with the later tests' builds for the workers.
    await kubectl(['delete', 'docsource', 'many-pages', '-n', namespace]);
  });

  it('when a build needs more heap than --docs-build-memory-mb, then only its child process dies: the DocSource says LimitExceeded, and the operator keeps serving /healthz and holding its Lease', async () => {
    const pid = operator.process.pid;
    // About 600 KB of list items: tens of MiB once rendered, more than a 32 MiB heap holds.
    const huge = Array.from({ length: 12_000 }, (_, i) => `- item **${i}** with [a link](index.md) and \`code\``).join('\n');
    await pagesConfigMap('huge-src', { 'index.md': huge });
    await kubectl(['apply', '-n', namespace, '-f', '-'], docSource('huge', '{configMapRef: {name: huge-src}}'));
    const status = await failedWith('huge', 'LimitExceeded');
    expect(status.conditions?.find((c) => c.type === 'BuildSucceeded')?.message).toMatch(
      /^the build ran out of its 32 MiB of memory \(--docs-build-memory-mb\)/,
    );
    expect(operator.process.running()).toBe(true);
    expect(operator.process.pid).toBe(pid);
    expect((await fetch(`${operator.url}/healthz`)).status).toBe(200);
    expect(await operator.leading()).toBe(true);
    await kubectl(['delete', 'docsource', 'huge', '-n', namespace]);
  });

  it("when one DocSource's git server never answers, then another DocSource is built meanwhile", async () => {
    const { port } = stalled.address() as { port: number };
    await kubectl(
      ['apply', '-n', namespace, '-f', '-'],
      docSource('stalled', `{git: {url: "http://127.0.0.1:${port}/docs.git", ref: main}}`),
    );
    await eventually('the stalled source to be asked', async () => (stalledSockets.size > 0 ? true : undefined), 30_000);

    await pagesConfigMap('quick-src', { 'index.md': '# Quick\n\nNot held up by anyone.' });
    await kubectl(['apply', '-n', namespace, '-f', '-'], docSource('quick', '{configMapRef: {name: quick-src}}'));
    await ready('quick');
    // Built while the look at the stalled source was still waiting (until git's 30 s timeout): it has said nothing yet.
    expect(stalledSockets.size).toBeGreaterThan(0);
    expect((await statusOf('stalled')).conditions ?? []).toEqual([]);
  });
});
