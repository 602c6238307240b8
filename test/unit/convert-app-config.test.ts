import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { catalogSourceSpec } from '../../src/api/v1alpha1/catalog-source.ts';
import { toInterval } from '../../src/convert/app-config-ldap.ts';
import { convertAppConfigs, isAppConfig } from '../../src/convert/app-config.ts';
import { parseForgeUrl, repoPickerUrl } from '../../src/convert/forge-urls.ts';
import { formatProblem } from '../../src/convert/report.ts';
import { ALLOWED_HOSTS } from '../../src/convert/secrets.ts';
import { ALLOWED_HOSTS_ANNOTATION } from '../../src/git/git-remote.ts';

const file = 'test/fixtures/backstage-migration/app-config.yaml';
const fixture = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;

/** Converts app-config documents (the fixture by default) and gives the sources by name and the report lines. */
function convert(value: unknown = fixture, namespace?: string) {
  const { objects, problems } = convertAppConfigs([{ file, document: 1, value }], { namespace });
  const sources = new Map(objects.map(({ object }) => [object.metadata.name, object]));
  return { objects, sources, lines: problems.map(formatProblem), problems };
}

const appConfig = (catalog: Record<string, unknown>, integrations?: Record<string, unknown>) => ({
  catalog,
  ...(integrations ? { integrations } : {}),
});

describe('Backstage app-config catalog locations become git CatalogSources', () => {
  it('when url locations name files of one repository and ref, then they become one CatalogSource with every path, valid by its schema', () => {
    const { sources, objects } = convert(fixture, 'acme');
    expect(sources.get('platform-catalog')).toEqual({
      apiVersion: 'greenroom.dev/v1alpha1',
      kind: 'CatalogSource',
      metadata: { name: 'platform-catalog', namespace: 'acme' },
      spec: {
        git: {
          url: 'https://github.com/acme/platform-catalog',
          ref: 'main',
          paths: ['org.yaml', 'systems/all.yaml'],
          secretRef: { name: 'git-github-com' },
        },
      },
    });
    for (const { object } of objects) expect(catalogSourceSpec.safeParse(object.spec).success).toBe(true);
    expect([...sources.keys()]).toEqual(['platform-catalog', 'payments-service', 'storefront', 'ldap-corp']);
  });

  it('when a location names a directory (tree) or a GitLab file, then the directory is read for catalog-info.yaml and GitLab gives repository and ref', () => {
    const { sources, lines } = convert();
    expect(sources.get('payments-service')?.spec).toMatchObject({
      git: { url: 'https://github.com/acme/Payments_Service', ref: 'main', paths: ['services/**/catalog-info.yaml'] },
    });
    expect(sources.get('storefront')?.spec).toMatchObject({
      git: { url: 'https://gitlab.acme.example/shop/storefront', ref: 'release', paths: ['catalog-info.yaml'] },
    });
    expect(lines).toContain(
      `warning  ${file} (document 1): catalog.locations[3] (url https://github.com/acme/Payments_Service/tree/main/services) names a directory: read as services/**/catalog-info.yaml`,
    );
  });

  it('when a location is a local file, then it is listed as not mapped with the file and the reason to convert and commit it', () => {
    expect(convert().lines).toContain(
      `skipped  ${file} (document 1): catalog.locations[0] (file ../../catalog/entities.yaml) is local to the Backstage host: convert the files with \`greenroom convert\` and commit them`,
    );
  });

  it('when a url is not a git forge file URL, then it is reported as not mapped', () => {
    expect(convert().lines).toContainEqual(
      expect.stringMatching(
        /^skipped {2}.*catalog\.locations\[5\] \(url https:\/\/catalog\.acme\.example\/exports\/all\.yaml\) is not a GitHub, GitLab, Bitbucket or Azure DevOps file URL/,
      ),
    );
  });

  it('when catalog rules or a location rules allow some kinds, then each is reported as not expressible, naming the kinds', () => {
    const lines = convert().lines.filter((line) => line.includes('rules'));
    expect(lines).toEqual([
      expect.stringContaining('catalog.rules (allow: Component, System, API, Resource, Location, Template) cannot be expressed'),
      expect.stringContaining('catalog.locations[1].rules (allow: Group, User) cannot be expressed'),
    ]);
  });

  it('when an integration holds a token for the host, then the source names a Secret and the report names its keys and host, never the token', () => {
    const literal = appConfig(
      { locations: [{ type: 'url', target: 'https://github.com/acme/shop/blob/main/catalog-info.yaml' }] },
      { github: [{ host: 'github.com', token: 'ghp_s3cretLiteralToken' }] },
    );
    const { objects, lines } = convert(literal);
    expect(objects[0]?.object).toMatchObject({ spec: { git: { secretRef: { name: 'git-github-com' } } } });
    expect(lines).toEqual([
      `warning  ${file} (document 1): create Secret git-github-com before applying: key username (any non-empty name for a token, e.g. x-access-token; oauth2 on GitLab), key password (the secret written in the app-config (not copied here; rotate it)), annotation ${ALLOWED_HOSTS}: github.com`,
    ]);
    expect(JSON.stringify(objects) + lines.join('\n')).not.toContain('ghp_s3cretLiteralToken');
    expect(convert().lines.join('\n')).toContain('key password (the value of ${GITHUB_TOKEN})');
  });

  it('when no integration covers the host, then the source names no Secret (a public repository)', () => {
    const { objects, problems } = convert(
      appConfig({ locations: [{ type: 'url', target: 'https://github.com/acme/shop/blob/main/a.yaml' }] }),
    );
    expect(objects[0]?.object.spec).toEqual({ git: { url: 'https://github.com/acme/shop', ref: 'main', paths: ['a.yaml'] } });
    expect(problems).toEqual([]);
  });

  it('when two repositories share a name, then the second CatalogSource name gets a suffix', () => {
    const { sources } = convert(
      appConfig({
        locations: [
          { type: 'url', target: 'https://github.com/acme/catalog/blob/main/a.yaml' },
          { type: 'url', target: 'https://gitlab.com/other/catalog/-/blob/main/b.yaml' },
          { type: 'url', target: 'https://github.com/acme/catalog/blob/develop/a.yaml' },
        ],
      }),
    );
    expect([...sources.keys()]).toEqual(['catalog', 'catalog-2', 'catalog-3']);
    expect(sources.get('catalog-3')?.spec).toMatchObject({ git: { ref: 'develop' } });
  });

  it('when a document is an app-config, then it is told apart from catalog entities', () => {
    expect(isAppConfig(fixture)).toBe(true);
    expect(isAppConfig({ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'x' } })).toBe(false);
  });
});

describe('Backstage catalog providers', () => {
  it('when an ldapOrg provider is configured, then it becomes an ldap CatalogSource with the fields that map, valid by its schema', () => {
    const ldap = convert().sources.get('ldap-corp');
    expect(ldap?.spec).toEqual({
      interval: '1h',
      ldap: {
        url: 'ldaps://ds.acme.example',
        bindSecretRef: { name: 'ldap-corp-bind' },
        users: { baseDn: 'ou=people,dc=acme,dc=example', filter: '(uid=*)', map: { name: 'uid' } },
        groups: {
          baseDn: 'ou=groups,dc=acme,dc=example',
          filter: '(objectClass=groupOfNames)',
          scope: 'one',
          map: { description: 'description' },
          type: 'team',
        },
      },
    });
    expect(catalogSourceSpec.safeParse(ldap?.spec).success).toBe(true);
  });

  it('when the ldap provider binds with a secret, then the report names the Secret with keys dn and password and the bind secret is not copied', () => {
    const { lines, objects } = convert();
    expect(lines).toContain(
      `warning  ${file} (document 1): create Secret ldap-corp-bind before applying: key dn (uid=backstage,ou=services,dc=acme,dc=example), key password (the value of \${LDAP_SECRET}), annotation ${ALLOWED_HOSTS}: ds.acme.example`,
    );
    expect(JSON.stringify(objects)).not.toContain('LDAP_SECRET');
  });

  it('when ldap fields have no place in Greenroom, then they are listed by path', () => {
    expect(convert().lines).toContain(
      `skipped  ${file} (document 1): catalog.providers.ldapOrg.corp: not mapped (no such field in an ldap CatalogSource): users.map.picture, schedule.timeout`,
    );
  });

  it('when a provider has no Greenroom counterpart, then it is listed with "no provider for X in Greenroom yet"', () => {
    const lines = convert().lines.filter((line) => line.includes('no provider for'));
    expect(lines).toEqual([
      expect.stringContaining('catalog.providers.githubOrg: no provider for githubOrg in Greenroom yet'),
      expect.stringContaining('catalog.providers.microsoftGraphOrg: no provider for microsoftGraphOrg in Greenroom yet'),
    ]);
  });

  it("when a schedule's frequency is an ISO duration or an object, then it becomes an interval; a cron is not one", () => {
    expect([
      toInterval('PT1H'),
      toInterval('PT1H30M'),
      toInterval({ minutes: 90 }),
      toInterval('P1D'),
      toInterval({ cron: '0 * * * *' }),
    ]).toEqual(['1h', '1h30m', '1h30m', '24h', undefined]);
  });
});

describe('forge URLs', () => {
  it('when a GitHub, GitLab (subgroup), Bitbucket or Azure DevOps file URL is parsed, then repository, ref and path come out', () => {
    expect(parseForgeUrl('https://github.com/acme/orders/blob/v2/catalog/catalog-info.yaml')).toEqual({
      repository: 'https://github.com/acme/orders',
      host: 'github.com',
      name: 'orders',
      ref: 'v2',
      path: 'catalog/catalog-info.yaml',
      directory: false,
    });
    expect(parseForgeUrl('https://gitlab.example.com/grp/sub/repo/-/tree/main/services')).toMatchObject({
      repository: 'https://gitlab.example.com/grp/sub/repo',
      path: 'services',
      directory: true,
    });
    expect(parseForgeUrl('https://bitbucket.org/ws/repo/src/main/catalog-info.yaml')).toMatchObject({ ref: 'main', directory: false });
    expect(parseForgeUrl('https://dev.azure.com/acme/shop/_git/orders?path=/catalog-info.yaml&version=GBrelease')).toMatchObject({
      repository: 'https://dev.azure.com/acme/shop/_git/orders',
      name: 'orders',
      ref: 'release',
      path: 'catalog-info.yaml',
      directory: false,
    });
    expect(parseForgeUrl('https://example.com/catalog.yaml')).toBeUndefined();
  });

  it("when a RepoUrlPicker value is given, then it becomes the repository's https URL with expressions left in place", () => {
    expect(repoPickerUrl('github.com?owner=acme&repo=${{ values.name }}')).toBe('https://github.com/acme/${{ values.name }}.git');
    expect(repoPickerUrl('${{ values.repoUrl }}')).toBeUndefined();
  });

  it('when the converter names the host-binding annotation, then it is the one the git layer reads', () => {
    expect(ALLOWED_HOSTS).toBe(ALLOWED_HOSTS_ANNOTATION);
  });
});
