import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { CONVERT_USAGE, runConvert } from '../../src/cli/convert.ts';
import { readSources } from '../../src/convert/read-sources.ts';
import { tempDirs } from '../support/temp-dirs.ts';

const fixtures = 'test/fixtures/backstage';
const newDir = tempDirs('convert-');

/** Runs `greenroom convert` in-process and collects what it writes. */
async function convert(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runConvert(argv, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } });
  return { code, stdout, stderr, objects: parseAllDocuments(stdout).map((d) => d.toJS() as { kind: string; metadata: { name: string } }) };
}

const names = (documents: { value: unknown }[]) => documents.map((d) => (d.value as { metadata: { name: string } }).metadata.name);

describe('reading Backstage sources', () => {
  it('when a multi-document file is read, then every document comes back with its file and position', async () => {
    const { documents, problems } = await readSources([`${fixtures}/catalog-info.yaml`]);
    expect(problems).toEqual([]);
    expect(documents.map((d) => d.document)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(documents[0]?.file).toBe(`${fixtures}/catalog-info.yaml`);
  });

  it("when an API definition is a $text placeholder for a local file, then the file's text replaces it", async () => {
    const { documents } = await readSources([`${fixtures}/catalog-info.yaml`]);
    const api = documents.find((d) => (d.value as { metadata: { name: string } }).metadata.name === 'Checkout_API');
    expect((api?.value as { spec: { definition: string } }).spec.definition).toBe(
      readFileSync(`${fixtures}/openapi/checkout.yaml`, 'utf8'),
    );
  });

  it('when a Location is read, then its local targets are followed (globs too) from its own directory and its URL target is reported', async () => {
    const { documents, problems } = await readSources([`${fixtures}/org/location.yaml`]);
    expect(names(documents)).toEqual(['acme-org', 'Engineering', 'Team_Payments', 'Team_Storefront', 'Jane.Doe', 'sam_okafor']);
    expect(problems).toEqual([
      expect.objectContaining({
        severity: 'warning',
        message: expect.stringMatching(/^Location target https:\/\/github\.com\/.* was not followed/),
      }),
    ]);
  });

  it('when the reader follows URL targets itself, then they come back with their Location, not as problems, and local targets are still followed', async () => {
    const { documents, problems, urlTargets } = await readSources([`${fixtures}/org/location.yaml`], undefined, { followsUrls: true });
    expect(names(documents)).toEqual(['acme-org', 'Engineering', 'Team_Payments', 'Team_Storefront', 'Jane.Doe', 'sam_okafor']);
    expect(problems).toEqual([]);
    expect(urlTargets).toEqual([
      {
        url: expect.stringMatching(/^https:\/\/github\.com\//),
        file: `${fixtures}/org/location.yaml`,
        document: 1,
        line: expect.any(Number),
      },
    ]);
  });

  it("when a directory is walked, then each file is read once even if a Location also names it, and YAML that is not Backstage's is left alone", async () => {
    const { documents } = await readSources([fixtures]);
    const files = documents.map((d) => d.file);
    expect(files.filter((f) => f.endsWith('teams.yaml'))).toHaveLength(3);
    expect(files.some((f) => f.includes('openapi'))).toBe(false);
  });

  it('when a file is missing or not valid YAML, then it is reported as skipped with the file named', async () => {
    const { problems } = await readSources([`${fixtures}/nope.yaml`, `${fixtures}/broken/not-yaml.yaml`]);
    expect(problems).toEqual([
      expect.objectContaining({ severity: 'skipped', file: `${fixtures}/nope.yaml`, message: expect.stringContaining('cannot be read') }),
      expect.objectContaining({
        severity: 'skipped',
        file: `${fixtures}/broken/not-yaml.yaml`,
        document: 1,
        message: expect.stringContaining('not valid YAML'),
      }),
    ]);
  });

  it('when a Location has a single target and an API a $yaml placeholder, then the target is read and the definition kept as YAML text', async () => {
    const dir = newDir();
    writeFileSync(
      join(dir, 'location.yaml'),
      'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: x}\nspec: {target: ./api.yaml}\n',
    );
    writeFileSync(
      join(dir, 'api.yaml'),
      'apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata: {name: orders}\nspec: {type: openapi, lifecycle: beta, owner: a, definition: {$yaml: ./orders.yaml}}\n',
    );
    writeFileSync(join(dir, 'orders.yaml'), 'openapi: 3.0.3\ninfo: {title: Orders, version: 1.0.0}\n');
    const { objects } = await convert(join(dir, 'location.yaml'));
    expect(objects).toEqual([
      expect.objectContaining({
        spec: expect.objectContaining({ definition: 'openapi: 3.0.3\ninfo:\n  title: Orders\n  version: 1.0.0\n' }),
      }),
    ]);
  });

  it('when a Location target matches no file, then that is reported', async () => {
    const dir = newDir();
    writeFileSync(
      join(dir, 'location.yaml'),
      'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: x}\nspec: {targets: [./teams/*.yaml]}\n',
    );
    const { problems } = await readSources([join(dir, 'location.yaml')]);
    expect(problems).toEqual([expect.objectContaining({ message: 'Location target ./teams/*.yaml matches no file' })]);
  });
});

describe('greenroom convert', () => {
  it('when every entity converts, then stdout is one YAML stream, stderr counts them and the exit code is 0', async () => {
    const { code, objects, stderr } = await convert(`${fixtures}/catalog-info.yaml`, `${fixtures}/org/location.yaml`);
    expect(code).toBe(0);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toContain('Component/checkout-service');
    expect(objects).toHaveLength(13);
    expect(stderr).toMatch(/converted 13 entities, 0 skipped, \d+ warnings\n$/);
  });

  it('when some entities cannot be converted, then the others are still written, the skipped are listed and the exit code is 1', async () => {
    const { code, objects, stderr } = await convert(`${fixtures}/broken`);
    expect(code).toBe(1);
    expect(objects.map((o) => o.metadata.name)).toEqual(['search-index']);
    expect(stderr).toMatch(
      /^skipped {2}test\/fixtures\/backstage\/broken\/broken\.yaml \(document 2\) component:default\/no-owner: spec\.owner is missing/m,
    );
    expect(stderr).toMatch(/converted 1 entity, 6 skipped, 0 warnings\n$/);
  });

  it("when --namespace is given, then objects from Backstage's default namespace carry it", async () => {
    const { objects } = await convert(`${fixtures}/catalog-info.yaml`, '--namespace', 'shop');
    expect(objects.every((o) => (o.metadata as { namespace?: string }).namespace === 'shop')).toBe(true);
  });

  it('when --out is given, then each object is written to its own file and stdout stays empty', async () => {
    const out = join(newDir(), 'converted');
    const { code, stdout } = await convert(`${fixtures}/org/teams.yaml`, '--out', out, '--namespace', 'org');
    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect(readdirSync(join(out, 'org')).sort()).toEqual([
      'group-engineering.yaml',
      'group-team-payments.yaml',
      'group-team-storefront.yaml',
    ]);
    expect(parse(readFileSync(join(out, 'org', 'group-team-payments.yaml'), 'utf8'))).toMatchObject({ spec: { parent: 'engineering' } });
  });

  it('when no path is given or the namespace is not a name, then it says why with the usage and the exit code is 2', async () => {
    expect(await convert()).toMatchObject({ code: 2, stderr: expect.stringContaining('name at least one file or directory') });
    const badNamespace = await convert(fixtures, '--namespace', 'Not_A_Namespace');
    expect(badNamespace).toMatchObject({ code: 2, stdout: '', stderr: expect.stringContaining(CONVERT_USAGE) });
  });

  it('when an option is unknown, then the exit code is 2', async () => {
    expect((await convert(fixtures, '--nmespace', 'x')).code).toBe(2);
  });

  it('when --help is given, then the usage goes to stdout', async () => {
    expect(await convert('--help')).toMatchObject({ code: 0, stdout: `${CONVERT_USAGE}\n` });
  });

  it("when a directory holds an app-config, a template with a skeleton and catalog files, then each is converted and the skeleton's files are the template's, not entities", async () => {
    const { code, objects, stderr } = await convert('test/fixtures/backstage-migration', '--namespace', 'acme');
    expect(code).toBe(1);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Group/team-platform',
      'Component/portal',
      'CatalogSource/platform-catalog',
      'CatalogSource/payments-service',
      'CatalogSource/storefront',
      'CatalogSource/ldap-corp',
      'Template/node-service',
      'ConfigMap/node-service-skeleton',
    ]);
    expect(stderr).toMatch(
      /^skipped {2}test\/fixtures\/backstage-migration\/templates\/node-service\/template\.yaml \(document 1\) template:default\/Node_Service: step log \(debug:log\): no Greenroom counterpart/m,
    );
    expect(stderr).not.toContain('skeleton/catalog-info.yaml (document');
    expect(stderr).toMatch(/converted 2 entities, 4 CatalogSources, 1 Template, 1 ConfigMap, \d+ skipped, \d+ warnings\n$/);
  });

  it('when --out is given for a template and an app-config, then the CatalogSources, the Template and its ConfigMap get their own files', async () => {
    const out = join(newDir(), 'converted');
    await convert('test/fixtures/backstage-migration', '--out', out, '--namespace', 'acme');
    expect(readdirSync(join(out, 'acme'))).toEqual(
      expect.arrayContaining(['catalogsource-ldap-corp.yaml', 'template-node-service.yaml', 'configmap-node-service-skeleton.yaml']),
    );
  });

  it('when a file holds no Backstage entities but is named, then nothing is converted and its documents are reported', async () => {
    const dir = newDir();
    mkdirSync(join(dir, 'k8s'));
    writeFileSync(join(dir, 'k8s', 'deployment.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n');
    const { code, stderr } = await convert(join(dir, 'k8s', 'deployment.yaml'));
    expect(code).toBe(1);
    expect(stderr).toContain('apiVersion "apps/v1" is not a Backstage one');
    expect((await convert(dir)).code).toBe(0);
  });
});
