import { beforeAll, describe, expect, it } from '@jest/globals';
import { kubectl } from '../support/kubectl.ts';
import { eventually, operators } from '../support/operator.ts';
import { finished } from '../support/template-runs.ts';
import { CookieJar, csrfTokenIn } from '../support/cookie-jar.ts';
import { parseTrustedPeers } from '../../src/http/auth/trusted-peers.ts';
import { DEFAULT_PROXY_HEADERS } from '../../src/http/auth/proxy.ts';
import type { AuthSettings } from '../../src/http/auth/settings.ts';
import type { TemplateRunObject } from '../../src/api/objects.ts';
import { createApp } from '../../src/http/app.ts';
import { CatalogGraph } from '../../src/catalog/graph.ts';
import { clusterWrites } from '../../src/self-service/cluster-writes.ts';
import { RawKubeClient } from '../../src/kube/raw-client.ts';
import { loadKubeConfig } from '../../src/kube/config.ts';
import { serving } from '../support/serve.ts';

// Self-service as the person, against the real apiserver: the operator runs with the
// harness's admin credentials (it could create anything), yet every write from the portal is
// made by impersonation, so the person's own RoleBindings decide. alice's team (group
// team-a-devs) may start runs in this namespace; bob's team has no binding here.
const namespace = 'self-service';
const start = operators(namespace);
const serveApp = serving();
let base = '';

const proxy: AuthSettings = {
  mode: 'proxy',
  cookies: { secret: 's'.repeat(32), secure: false, sessionMaxAgeSeconds: 3600 },
  proxy: {
    trustedPeers: parseTrustedPeers('loopback') as Exclude<ReturnType<typeof parseTrustedPeers>, { error: string }>,
    ...DEFAULT_PROXY_HEADERS,
    usernamePrefix: '',
    groupsPrefix: '',
  },
};
const alice = { 'X-Forwarded-User': 'alice', 'X-Forwarded-Groups': 'team-a-devs' };
const bob = { 'X-Forwarded-User': 'bob', 'X-Forwarded-Groups': 'team-b-devs' };

const template = (name: string, readme: string) =>
  JSON.stringify({
    apiVersion: 'greenroom.dev/v1alpha1',
    kind: 'Template',
    metadata: { name, namespace },
    spec: {
      type: 'service',
      owner: 'team-platform',
      parameters: { type: 'object', required: ['name'], properties: { name: { type: 'string', pattern: '^[a-z][a-z0-9-]*$' } } },
      skeleton: { inline: { 'README.md': readme } },
      steps: [{ name: 'render', action: 'render' }],
    },
  });

beforeAll(async () => {
  await kubectl(['create', 'namespace', namespace]);
  await kubectl(['apply', '-f', '-'], template('hello', '# ${{ values.name }}\n'));
  // A syntax error: every run of it fails at its render step, to be retried.
  await kubectl(['apply', '-f', '-'], template('broken', '# ${{ values.name | }}\n'));
  await kubectl([
    'create',
    'role',
    'portal-runs',
    '-n',
    namespace,
    '--verb=create,get,list,watch,delete',
    '--resource=templateruns.greenroom.dev',
  ]);
  await kubectl([
    'create',
    'role',
    'portal-docs',
    '-n',
    namespace,
    '--verb=patch',
    '--resource=docsources.greenroom.dev,catalogsources.greenroom.dev',
  ]);
  await kubectl(['create', 'rolebinding', 'team-a-docs', '-n', namespace, '--role=portal-docs', '--group=team-a-devs']);
  await kubectl(['create', 'configmap', 'runbook-docs', '-n', namespace, '--from-literal=index.md=# Runbook\n']);
  await kubectl(
    ['apply', '-n', namespace, '-f', '-'],
    'apiVersion: greenroom.dev/v1alpha1\nkind: DocSource\nmetadata: {name: runbook}\nspec:\n  entityRef: orders\n  source: {configMapRef: {name: runbook-docs}}\n  refreshInterval: 1h\n',
  );
  await kubectl(
    ['apply', '-n', namespace, '-f', '-'],
    'apiVersion: greenroom.dev/v1alpha1\nkind: CatalogSource\nmetadata: {name: workloads}\nspec: {interval: 1h, kubernetes: {}}\n',
  );
  await kubectl(['create', 'rolebinding', 'team-a-runs', '-n', namespace, '--role=portal-runs', '--group=team-a-devs']);
  // Seeing is RBAC too (src/access): both teams, and alice by name, may list the Templates,
  // runs and doc sources here, so the refusals below are the apiserver's to writes, not 404s.
  await kubectl([
    'create',
    'role',
    'portal-reads',
    '-n',
    namespace,
    '--verb=get,list',
    '--resource=templates.greenroom.dev,templateruns.greenroom.dev,docsources.greenroom.dev,catalogsources.greenroom.dev',
  ]);
  await kubectl([
    'create',
    'rolebinding',
    'everyone-reads',
    '-n',
    namespace,
    '--role=portal-reads',
    '--group=team-a-devs',
    '--group=team-b-devs',
    '--user=alice',
  ]);
  const operator = await start({ templateExecutor: 'in-process', auth: proxy });
  base = operator.url;
  await eventually('the templates to be served', async () =>
    (await fetch(`${base}/templates/${namespace}/broken`, { headers: alice })).ok ? true : undefined,
  );
}, 60_000);

/** The template page as `who`, then its form posted back with the page's CSRF token (or `token`). */
async function submit(
  who: Record<string, string>,
  templateName: string,
  values: Record<string, string>,
  options: { token?: string | null } = {},
): Promise<Response> {
  const jar = new CookieJar();
  const page = await (await jar.fetch(`${base}/templates/${namespace}/${templateName}`, { headers: who })).text();
  const token = options.token === undefined ? csrfTokenIn(page) : options.token;
  const form = new URLSearchParams({ _check: '1', _intent: 'start', ...values, ...(token ? { _csrf: token } : {}) });
  return jar.fetch(`${base}/templates/${namespace}/${templateName}`, {
    method: 'POST',
    headers: { ...who, 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
}

async function runs(): Promise<TemplateRunObject[]> {
  return (JSON.parse(await kubectl(['get', 'templateruns', '-n', namespace, '-o', 'json'])) as { items: TemplateRunObject[] }).items;
}

describe('starting runs from the portal as the signed-in person', () => {
  it('when someone whose group may create runs here starts one, then it is created through impersonation and its page opens', async () => {
    const res = await submit(alice, 'hello', { name: 'ledger' });
    expect(res.status).toBe(303);
    const location = res.headers.get('location')!;
    expect(location).toMatch(new RegExp(`^/runs/${namespace}/hello-ledger-[a-z0-9]{5}$`));
    const name = location.split('/').pop()!;
    const run = await finished(namespace, name);
    expect(run.status?.phase).toBe('Succeeded');
    expect(run.spec.values).toEqual({ name: 'ledger' });
    expect(run.metadata.annotations?.['greenroom.dev/started-from']).toBe('portal');
    const created = JSON.parse(await kubectl(['get', 'templaterun', name, '-n', namespace, '-o', 'json', '--show-managed-fields'])) as {
      metadata: { managedFields: { manager: string; operation: string }[] };
    };
    expect(created.metadata.managedFields.find((f) => f.operation === 'Update' && !('subresource' in f))?.manager).toBe('greenroom-portal');
    // The run page answered at once: this replica had seen the run before redirecting.
    const page = await fetch(`${base}${location}`, { headers: alice });
    expect(page.status).toBe(200);
  });

  it('when the same person arrives without the group the RoleBinding names, then the apiserver refuses: the groups are impersonated too', async () => {
    const before = (await runs()).length;
    const res = await submit({ 'X-Forwarded-User': 'alice' }, 'hello', { name: 'nogroup' });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain(
      `User &quot;alice&quot; cannot create resource &quot;templateruns&quot; in API group &quot;greenroom.dev&quot; in the namespace &quot;${namespace}&quot;`,
    );
    expect((await runs()).length).toBe(before);
  });

  it("when someone of another team starts a run here, then the page shows the apiserver's own denial and nothing is created", async () => {
    const before = (await runs()).length;
    const res = await submit(bob, 'hello', { name: 'intruder' });
    expect(res.status).toBe(403);
    const html = await res.text();
    expect(html).toContain('The cluster refused to start this run as bob');
    expect(html).toContain(
      `templateruns.greenroom.dev is forbidden: User &quot;bob&quot; cannot create resource &quot;templateruns&quot; in API group &quot;greenroom.dev&quot; in the namespace &quot;${namespace}&quot;`,
    );
    // The form keeps the values, to copy as YAML for someone who may.
    expect(html).toContain('value="intruder"');
    expect((await runs()).length).toBe(before);
  });

  it('when the form comes without its CSRF token, or with a made-up one, then it is refused 403 and nothing is created', async () => {
    const before = (await runs()).length;
    expect((await submit(alice, 'hello', { name: 'forged' }, { token: null })).status).toBe(403);
    expect((await submit(alice, 'hello', { name: 'forged' }, { token: 'abc.def' })).status).toBe(403);
    expect((await runs()).length).toBe(before);
  });

  it("when the values do not pass the template's checks, then nothing is created and the form says why", async () => {
    const before = (await runs()).length;
    const res = await submit(alice, 'hello', { name: 'Not Valid!' });
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/must match pattern/);
    expect((await runs()).length).toBe(before);
  });

  it('when a run failed, then retrying creates a new run with the same values, as the person', async () => {
    const res = await submit(alice, 'broken', { name: 'again' });
    const failedName = res.headers.get('location')!.split('/').pop()!;
    expect((await finished(namespace, failedName)).status?.phase).toBe('Failed');
    const jar = new CookieJar();
    const page = await (await jar.fetch(`${base}/runs/${namespace}/${failedName}`, { headers: alice })).text();
    await eventually('the run page to offer a retry', async () =>
      (await (await jar.fetch(`${base}/runs/${namespace}/${failedName}`, { headers: alice })).text()).includes('Retry with the same values')
        ? true
        : undefined,
    );
    const retry = await jar.fetch(`${base}/runs/${namespace}/${failedName}/retry`, {
      method: 'POST',
      headers: { ...alice, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrfTokenIn(page)! }).toString(),
    });
    expect(retry.status).toBe(303);
    const retried = (await runs()).find((r) => r.metadata.annotations?.['greenroom.dev/retry-of'] === failedName)!;
    expect(retried.spec).toEqual((await runs()).find((r) => r.metadata.name === failedName)!.spec);
    expect(retry.headers.get('location')).toBe(`/runs/${namespace}/${retried.metadata.name}`);
  });

  it("when a run is waiting, then cancelling deletes it as the person; someone of another team gets the apiserver's denial", async () => {
    // A run of a template that does not exist waits Pending.
    await kubectl(
      ['create', '-f', '-'],
      JSON.stringify({
        apiVersion: 'greenroom.dev/v1alpha1',
        kind: 'TemplateRun',
        metadata: { name: 'waiting', namespace },
        spec: { templateRef: { name: 'not-yet' }, values: {} },
      }),
    );
    const cancel = async (who: Record<string, string>): Promise<Response> => {
      const jar = new CookieJar();
      const page = await eventually("the waiting run's page", async () => {
        const html = await (await jar.fetch(`${base}/runs/${namespace}/waiting`, { headers: who })).text();
        return html.includes('Cancel this run') ? html : undefined;
      });
      return jar.fetch(`${base}/runs/${namespace}/waiting/cancel`, {
        method: 'POST',
        headers: { ...who, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: csrfTokenIn(page)! }).toString(),
      });
    };
    const refused = await cancel(bob);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain(`User &quot;bob&quot; cannot delete resource &quot;templateruns&quot;`);
    const cancelled = await cancel(alice);
    expect(cancelled.status).toBe(303);
    expect(cancelled.headers.get('location')).toBe(`/templates/${namespace}/not-yet`);
    await expect(kubectl(['get', 'templaterun', 'waiting', '-n', namespace])).rejects.toThrow(/not found/);
  });

  it('when a run is going, then its page follows it with an external script polling its progress, and no inline script', async () => {
    await kubectl(
      ['create', '-f', '-'],
      JSON.stringify({
        apiVersion: 'greenroom.dev/v1alpha1',
        kind: 'TemplateRun',
        metadata: { name: 'followed', namespace },
        spec: { templateRef: { name: 'not-yet-either' }, values: {} },
      }),
    );
    const html = await eventually('the run page', async () => {
      const res = await fetch(`${base}/runs/${namespace}/followed`, { headers: alice });
      return res.ok ? res.text() : undefined;
    });
    expect(html).toContain(`data-run-progress="/runs/${namespace}/followed/progress"`);
    expect(html).toContain('<script src="/static/run-live.js" defer></script>');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const progress = await fetch(`${base}/runs/${namespace}/followed/progress`, { headers: alice });
    expect(await progress.json()).toEqual({ phase: 'Pending', finished: false, steps: [] });
    expect((await fetch(`${base}/static/run-live.js`, { headers: alice })).status).toBe(200);
  });

  it('when someone asks to rebuild docs, then the annotation is set as them and the docs controller builds at once; another team is refused', async () => {
    const status = async () =>
      (
        JSON.parse(await kubectl(['get', 'docsource', 'runbook', '-n', namespace, '-o', 'json'])) as {
          status?: { lastBuildTime?: string; rebuildRequest?: string };
        }
      ).status;
    await eventually('the first build', async () => (await status())?.lastBuildTime);
    const rebuild = async (who: Record<string, string>): Promise<Response> => {
      const jar = new CookieJar();
      // Any page gives the person's token (there is no Component orders to show the button on).
      const token = csrfTokenIn(await (await jar.fetch(`${base}/templates/${namespace}/hello`, { headers: who })).text());
      return jar.fetch(`${base}/docsources/${namespace}/runbook/rebuild`, {
        method: 'POST',
        headers: { ...who, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: token!, returnTo: '//evil.example/' }).toString(),
      });
    };
    const refused = await rebuild(bob);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain(`User &quot;bob&quot; cannot patch resource &quot;docsources&quot;`);
    const asked = await rebuild(alice);
    expect(asked.status).toBe(303);
    // The return path is checked: an off-site one goes home.
    expect(asked.headers.get('location')).toBe('/');
    // Recorded only by a look that built (or failed to): the request was honoured.
    const rebuilt = await eventually('the rebuild', async () => ((await status())?.rebuildRequest ? status() : undefined), 30_000);
    const annotation = JSON.parse(
      await kubectl(['get', 'docsource', 'runbook', '-n', namespace, '-o', 'jsonpath={.metadata.annotations}']),
    ) as Record<string, string>;
    expect(rebuilt.rebuildRequest).toBe(annotation['greenroom.dev/rebuild-requested-at']);
  });

  it('when someone presses Sync now on a catalog source, then the request is set as them and the source is checked at once; another team is refused', async () => {
    const status = async () =>
      (
        JSON.parse(await kubectl(['get', 'catalogsource', 'workloads', '-n', namespace, '-o', 'json'])) as {
          status?: { lastCheckTime?: string; syncRequest?: string };
        }
      ).status;
    await eventually('the first check', async () => (await status())?.lastCheckTime);
    const sync = async (who: Record<string, string>): Promise<Response> => {
      const jar = new CookieJar();
      const page = await (await jar.fetch(`${base}/sources/${namespace}/workloads`, { headers: who })).text();
      expect(page).toContain('Sync now');
      return jar.fetch(`${base}/catalogsources/${namespace}/workloads/sync`, {
        method: 'POST',
        headers: { ...who, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: csrfTokenIn(page)!, returnTo: `/sources/${namespace}/workloads` }).toString(),
      });
    };
    const refused = await sync(bob);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain(`User &quot;bob&quot; cannot patch resource &quot;catalogsources&quot;`);
    const asked = await sync(alice);
    expect(asked.status).toBe(303);
    expect(asked.headers.get('location')).toBe(`/sources/${namespace}/workloads`);
    // The interval is an hour: only the request can have made it look again.
    const synced = await eventually('the requested check', async () => ((await status())?.syncRequest ? status() : undefined), 30_000);
    const annotation = JSON.parse(
      await kubectl(['get', 'catalogsource', 'workloads', '-n', namespace, '-o', 'jsonpath={.metadata.annotations}']),
    ) as Record<string, string>;
    expect(synced.syncRequest).toBe(annotation['greenroom.dev/sync-requested-at']);
  });

  it('when the portal runs with --auth none, then a form post is refused before any route and nothing is written, even with a writer wired', async () => {
    const before = (await runs()).length;
    const url = await serveApp(
      createApp({ isReady: () => true, graph: new CatalogGraph(), selfService: clusterWrites(new RawKubeClient(loadKubeConfig())) }),
    );
    const res = await fetch(`${url}/templates/${namespace}/hello`, {
      method: 'POST',
      headers: { ...alice, 'content-type': 'application/x-www-form-urlencoded' },
      body: '_check=1&_intent=start&name=anon',
    });
    expect(res.status).toBe(405);
    expect((await runs()).length).toBe(before);
  });
});
