import { beforeAll, describe, expect, it } from '@jest/globals';
import { formatRef, parseRef, type ParsedRef } from '../../src/catalog/refs.ts';
import { buildSite } from '../../src/docs/build.ts';
import { siteBase, type DocSite } from '../../src/docs/site.ts';
import { encodeSite, siteDigest } from '../../src/docs/store.ts';
import { chunkName, SITE_ID, SOURCE_UID } from '../../src/controllers/doc-source/site-configmaps.ts';
import { kubectl } from '../support/kubectl.ts';
import { eventually, operators } from '../support/operator.ts';

// A tenant who may create ConfigMaps (and DocSources) in a namespace, but not write a
// DocSource's status, tries to get its own HTML and a script served as a DocSource's build:
// by squatting the deterministic name of a chunk before the build, and by swapping a stored
// chunk for a lookalike. Real apiserver, real operators, real readers.
const namespace = 'docs-forgery';
const start = operators(namespace);
const PAGE = '# Real docs\n\nThe genuine text about walruses.\n';

/** A site a tenant made: its own page, and a script the page loads from the reader's origin. */
const FORGED: DocSite = {
  siteName: 'Forged',
  nav: [{ title: 'Home', slug: '' }],
  pages: [
    {
      path: 'index.md',
      slug: '',
      title: 'Forged',
      html: `<p>FORGED-PAGE</p><script src="/docs/${namespace}/x/_assets/app.js"></script>`,
      headings: [],
      text: 'FORGED-PAGE',
    },
  ],
  assets: { 'app.js': { contentType: 'text/javascript', base64: Buffer.from('alert(document.cookie)').toString('base64') } },
  warnings: [],
};

const uidOf = async (name: string): Promise<string> =>
  (await kubectl(['get', 'docsource', name, '-n', namespace, '-o', 'jsonpath={.metadata.uid}'])).trim();
const conditionOf = async (name: string, type: string) =>
  (
    (
      JSON.parse(await kubectl(['get', 'docsource', name, '-n', namespace, '-o', 'json'])) as {
        status?: { conditions?: { type: string; status: string; reason: string; message: string }[] };
      }
    ).status?.conditions ?? []
  ).find((c) => c.type === type);
const text = async (base: string, path: string): Promise<{ status: number; body: string }> => {
  const res = await fetch(`${base}${path}`);
  return { status: res.status, body: await res.text() };
};

/** A ConfigMap dressed as a chunk of `docSource`'s build `id`: its labels, annotations and owner, the tenant's bytes. */
async function forgeChunk(docSource: string, uid: string, id: string, name: string): Promise<void> {
  const [chunk] = await encodeSite(FORGED);
  const body = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name,
      namespace,
      labels: { [SOURCE_UID]: uid, [SITE_ID]: id, 'app.kubernetes.io/managed-by': 'greenroom' },
      annotations: { 'greenroom.dev/chunk': '0', 'greenroom.dev/chunks': '1', 'greenroom.dev/docsource': docSource },
      ownerReferences: [{ apiVersion: 'greenroom.dev/v1alpha1', kind: 'DocSource', name: docSource, uid, controller: true }],
    },
    binaryData: { 'site.json.gz': chunk!.toString('base64') },
  };
  await kubectl(['create', '-f', '-'], JSON.stringify(body));
}

/** What the operator will store for `docSource` built from PAGE: the same build, so the same id. */
async function expectedId(docSource: string): Promise<string> {
  const site = buildSite(new Map([['index.md', PAGE]]), {
    base: siteBase(namespace, docSource),
    entityRef: formatRef(parseRef('orders', { defaultKind: 'Component', namespace }) as ParsedRef),
  });
  return siteDigest(await encodeSite(site)).slice(0, 10);
}

const docSource = (name: string, configMap: string) =>
  `apiVersion: greenroom.dev/v1alpha1\nkind: DocSource\nmetadata: {name: ${name}}\nspec:\n  entityRef: orders\n  refreshInterval: 5s\n  source: {configMapRef: {name: ${configMap}}}\n`;

let base = '';
beforeAll(async () => {
  await kubectl(['create', 'namespace', namespace]);
  base = (await start()).url;
});

describe('stored docs that a tenant forges', () => {
  it('when a tenant creates a ConfigMap under the name a chunk of the coming build will have, then the build fails naming it and the forged page and script are never served', async () => {
    await kubectl(['apply', '-n', namespace, '-f', '-'], docSource('squatted', 'squatted-src'));
    const uid = await uidOf('squatted');
    const id = await expectedId('squatted');
    await forgeChunk('squatted', uid, id, chunkName('squatted', id, 0));
    // Only now does the source exist, so no build can have been stored before the squat.
    await kubectl(['create', 'configmap', 'squatted-src', '-n', namespace, `--from-literal=index.md=${PAGE}`]);

    const failed = await eventually(
      'the build to fail',
      async () => {
        const c = await conditionOf('squatted', 'BuildSucceeded');
        return c?.status === 'False' && c.reason === 'StoreFailed' ? c : undefined;
      },
      60_000,
    );
    expect(failed.message).toContain(
      `ConfigMap ${chunkName('squatted', id, 0)} in namespace ${namespace} has the name of a chunk of this build but was not written by the operator`,
    );
    const served = await text(base, `/docs/${namespace}/squatted`);
    expect(served.status).toBe(404);
    expect(served.body).not.toContain('FORGED-PAGE');
    expect((await text(base, `/docs/${namespace}/squatted/_assets/app.js`)).status).toBe(404);
  });

  it('when a tenant swaps a stored chunk for a lookalike with its labels and owner, then no replica serves the lookalike, and the operator stores its own build again', async () => {
    await kubectl(['create', 'configmap', 'swapped-src', '-n', namespace, `--from-literal=index.md=${PAGE}`]);
    await kubectl(['apply', '-n', namespace, '-f', '-'], docSource('swapped', 'swapped-src'));
    await eventually(
      'the genuine docs to be served',
      async () => ((await text(base, `/docs/${namespace}/swapped`)).body.includes('walruses') ? true : undefined),
      60_000,
    );
    const uid = await uidOf('swapped');
    const id = (await kubectl(['get', 'docsource', 'swapped', '-n', namespace, '-o', 'jsonpath={.status.site.id}'])).trim();

    await kubectl(['delete', 'configmap', chunkName('swapped', id, 0), '-n', namespace]);
    await forgeChunk('swapped', uid, id, 'swapped-lookalike');
    // A replica starting now finds only the lookalike in its cache at first.
    const second = (await start({ identity: 'second-replica' })).url;

    await eventually(
      'the second replica to serve the genuine docs',
      async () => ((await text(second, `/docs/${namespace}/swapped`)).body.includes('walruses') ? true : undefined),
      60_000,
    );
    await eventually(
      'the operator to store its chunk again',
      async () =>
        (await kubectl(['get', 'configmap', chunkName('swapped', id, 0), '-n', namespace, '-o', 'name'])).trim() ? true : undefined,
      30_000,
    );
    for (const replica of [base, second]) {
      expect((await text(replica, `/docs/${namespace}/swapped`)).body).not.toContain('FORGED-PAGE');
      expect((await text(replica, `/docs/${namespace}/swapped/_assets/app.js`)).status).toBe(404);
    }
  });

  it('when a tenant replaces a stored chunk under its very name, labels and owner, then a replica starting later serves nothing of it, and the DocSource says the name is taken', async () => {
    await kubectl(['create', 'configmap', 'replaced-src', '-n', namespace, `--from-literal=index.md=${PAGE}`]);
    await kubectl(['apply', '-n', namespace, '-f', '-'], docSource('replaced', 'replaced-src'));
    await eventually(
      'the genuine docs to be served',
      async () => ((await text(base, `/docs/${namespace}/replaced`)).body.includes('walruses') ? true : undefined),
      60_000,
    );
    const uid = await uidOf('replaced');
    const id = (await kubectl(['get', 'docsource', 'replaced', '-n', namespace, '-o', 'jsonpath={.status.site.id}'])).trim();

    await kubectl(['delete', 'configmap', chunkName('replaced', id, 0), '-n', namespace]);
    await forgeChunk('replaced', uid, id, chunkName('replaced', id, 0));
    const third = (await start({ identity: 'third-replica' })).url;

    const failed = await eventually(
      'the operator to find the chunk is not its own',
      async () => {
        const c = await conditionOf('replaced', 'BuildSucceeded');
        return c?.status === 'False' && c.reason === 'StoreFailed' ? c : undefined;
      },
      60_000,
    );
    expect(failed.message).toContain(`ConfigMap ${chunkName('replaced', id, 0)}`);
    const served = await text(third, `/docs/${namespace}/replaced`);
    expect(served.status).toBe(404);
    expect(served.body).not.toContain('FORGED-PAGE');
    expect((await text(third, `/docs/${namespace}/replaced/_assets/app.js`)).status).toBe(404);
    // The replica that read the genuine build before the swap keeps serving it.
    expect((await text(base, `/docs/${namespace}/replaced`)).body).toContain('walruses');
  });
});
