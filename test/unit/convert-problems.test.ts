import { describe, expect, it } from '@jest/globals';
import { convertCatalog } from '../../src/convert/convert-catalog.ts';
import { formatReport } from '../../src/convert/report.ts';
import { backstage, backstageComponent, inOneFile } from '../fixtures/backstage/builders.ts';

/** The one reason an entity was skipped for, with where it was. */
function skippedBecause(...values: unknown[]): string[] {
  const { problems } = convertCatalog(inOneFile(...values));
  return problems.filter((p) => p.severity === 'skipped').map((p) => `${p.file}#${p.document} ${p.entity}: ${p.message}`);
}

describe('entities that cannot be converted are reported with file and reason', () => {
  it('when the kind has no Greenroom counterpart, then the entity is skipped and the reason lists the kinds there are', () => {
    expect(skippedBecause(backstage('Pipeline', 'nightly'))).toEqual([
      expect.stringMatching(
        /^catalog-info\.yaml#1 pipeline:default\/nightly: kind "Pipeline" has no Greenroom counterpart \(Component, API, .*User\)$/,
      ),
    ]);
  });

  it("when the apiVersion is not Backstage's, then the entity is skipped and the reason names the apiVersion", () => {
    const template = { apiVersion: 'scaffolder.backstage.io/v1beta3', kind: 'Template', metadata: { name: 'new-service' }, spec: {} };
    expect(skippedBecause(template)).toEqual([
      expect.stringContaining('apiVersion "scaffolder.backstage.io/v1beta3" is not a Backstage one'),
    ]);
  });

  it('when a Component has no owner, then it is skipped because spec.owner is missing', () => {
    expect(skippedBecause(backstage('Component', 'orphan', { type: 'service', lifecycle: 'production' }))).toEqual([
      'catalog-info.yaml#1 component:default/orphan: spec.owner is missing (required)',
    ]);
  });

  it('when the owner names a System, then it is skipped because owner must reference a Group or User', () => {
    expect(skippedBecause(backstageComponent('odd', { owner: 'system:shop' }))).toEqual([
      'catalog-info.yaml#1 component:default/odd: spec.owner must reference a Group or User, not "system:shop"',
    ]);
  });

  it('when a dependsOn entry has no kind, then it is skipped because Backstage and Greenroom both need the kind there', () => {
    expect(skippedBecause(backstageComponent('reports', { dependsOn: ['Orders_DB'] }))).toEqual([
      'catalog-info.yaml#1 component:default/reports: spec.dependsOn: "Orders_DB" must name its kind, e.g. resource:Orders_DB',
    ]);
  });

  it('when a reference is not of the form [kind:][namespace/]name, then the entity is skipped and the field is named', () => {
    expect(skippedBecause(backstageComponent('bad', { system: 'a:b:c' }))).toEqual([
      'catalog-info.yaml#1 component:default/bad: spec.system: "a:b:c" is not a reference of the form [kind:][namespace/]name',
    ]);
  });

  it('when a metadata field breaks the Greenroom schema, then the reason names it where Backstage had it', () => {
    expect(skippedBecause(backstageComponent('long', {}, { title: 't'.repeat(300) }))).toEqual([
      expect.stringMatching(/^catalog-info\.yaml#1 component:default\/long: metadata\.title: Too big/),
    ]);
  });

  it('when a Group names itself as parent after mapping, then it is skipped rather than refused by the cluster', () => {
    expect(skippedBecause(backstage('Group', 'Team_A', { type: 'team', parent: 'team-a', children: [] }))).toEqual([
      'catalog-info.yaml#1 group:default/Team_A: spec.parent names the Group itself',
    ]);
  });

  it('when a definition placeholder could not be read, then the API is skipped and the file is named', () => {
    const api = backstage('API', 'orders', {
      type: 'openapi',
      lifecycle: 'production',
      owner: 'team-a',
      definition: { $text: './missing.yaml' },
    });
    expect(skippedBecause(api)).toEqual([expect.stringContaining('spec.definition: $text ./missing.yaml could not be read')]);
  });

  it('when two names map to the same Kubernetes name, then the first keeps it and the second is skipped naming the first', () => {
    const { entities, problems } = convertCatalog(inOneFile(backstageComponent('My_Service'), backstageComponent('my-service')));
    expect(entities.map((e) => e.object.metadata.annotations['greenroom.dev/backstage-name'])).toEqual(['My_Service']);
    expect(problems).toEqual([
      expect.objectContaining({
        severity: 'skipped',
        document: 2,
        message: 'maps to Component "my-service", already taken by "My_Service" from catalog-info.yaml (document 1)',
      }),
    ]);
  });

  it('when entities of different kinds share a name, then both are converted', () => {
    const { entities } = convertCatalog(
      inOneFile(backstageComponent('orders'), backstage('API', 'orders', { type: 'grpc', lifecycle: 'production', owner: 'a' })),
    );
    expect(entities).toHaveLength(2);
  });

  it('when a document is empty or a Location, then nothing is reported for it', () => {
    const location = { apiVersion: 'backstage.io/v1alpha1', kind: 'Location', metadata: { name: 'org' }, spec: { targets: ['./a.yaml'] } };
    expect(convertCatalog(inOneFile(null, location))).toEqual({ entities: [], problems: [] });
  });
});

describe('the report', () => {
  it('when there are problems, then each is one line in file order and the last line counts them', () => {
    const report = formatReport(
      [
        { severity: 'warning', file: 'b.yaml', document: 1, message: 'tag "PCI" written as "pci"' },
        { severity: 'skipped', file: 'a.yaml', document: 2, entity: 'component:default/x', message: 'spec.owner is missing (required)' },
      ],
      3,
    );
    expect(report).toBe(
      [
        'skipped  a.yaml (document 2) component:default/x: spec.owner is missing (required)',
        'warning  b.yaml (document 1): tag "PCI" written as "pci"',
        'converted 3 entities, 1 skipped, 1 warning',
        '',
      ].join('\n'),
    );
  });
});
