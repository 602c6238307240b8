import { beforeAll, describe, expect, it } from '@jest/globals';
import { runConvert } from '../../src/cli/convert.ts';
import { kubectl } from '../support/kubectl.ts';

const namespace = 'convert-migration-it';

interface Listed {
  kind: string;
  metadata: { name: string };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
}

let converted: { code: number; stdout: string; stderr: string };

const list = async (resource: string) =>
  (JSON.parse(await kubectl(['get', resource, '-n', namespace, '-o', 'json'])) as { items: Listed[] }).items;

beforeAll(async () => {
  let stdout = '';
  let stderr = '';
  const code = await runConvert(['test/fixtures/backstage-migration', '--namespace', namespace], {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  });
  converted = { code, stdout, stderr };
  await kubectl(['create', 'namespace', namespace]);
  await kubectl(['apply', '-f', '-'], stdout);
});

describe('greenroom convert of a Backstage installation against the real apiserver with the generated CRDs', () => {
  it('when an app-config, a template with a skeleton and catalog files are converted, then admission accepts every CatalogSource', async () => {
    expect(converted.code).toBe(1);
    const sources = await list('catalogsources');
    expect(sources.map((s) => s.metadata.name).sort()).toEqual(['ldap-corp', 'payments-service', 'platform-catalog', 'storefront']);
    expect(sources.find((s) => s.metadata.name === 'platform-catalog')?.spec).toMatchObject({
      git: { url: 'https://github.com/acme/platform-catalog', paths: ['org.yaml', 'systems/all.yaml'] },
    });
  });

  it('when the software template is applied, then admission accepts the Template and its skeleton ConfigMap holds the files', async () => {
    const [template] = await list('templates');
    expect(template?.metadata.name).toBe('node-service');
    expect(template?.spec).toMatchObject({ skeleton: { configMapRef: { name: 'node-service-skeleton' } }, owner: 'team-platform' });
    const configMap = JSON.parse(await kubectl(['get', 'configmap', 'node-service-skeleton', '-n', namespace, '-o', 'json'])) as Listed;
    expect(Object.keys(configMap.data ?? {}).sort()).toEqual(['Dockerfile', 'README.md', 'catalog-info.yaml', 'src__index.js']);
  });

  it("when the catalog files beside them are applied, then the entities exist and none came from the template's skeleton", async () => {
    const entities = (JSON.parse(await kubectl(['get', 'catalog', '-n', namespace, '-o', 'json'])) as { items: Listed[] }).items;
    expect(entities.map((e) => `${e.kind}/${e.metadata.name}`).sort()).toEqual(['Component/portal', 'Group/team-platform']);
  });
});
