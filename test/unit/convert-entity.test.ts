import { describe, expect, it } from '@jest/globals';
import { convertCatalog } from '../../src/convert/convert-catalog.ts';
import type { ConvertOptions, GreenroomObject } from '../../src/convert/model.ts';
import { backstage, backstageComponent, inOneFile } from '../fixtures/backstage/builders.ts';

/** Converts one entity and returns its object, failing loudly if it was skipped. */
function convertOne(entity: unknown, options: ConvertOptions = {}): GreenroomObject {
  const { entities, problems } = convertCatalog(inOneFile(entity), options);
  expect(problems.filter((p) => p.severity === 'skipped')).toEqual([]);
  const [converted] = entities;
  if (!converted) throw new Error('nothing converted');
  return converted.object;
}

describe('converting a Backstage entity into a Greenroom object', () => {
  it('when a Component is converted, then it has the Greenroom apiVersion, the mapped name and the original name in an annotation', () => {
    const object = convertOne(backstageComponent('My_Service'));
    expect(object).toMatchObject({ apiVersion: 'greenroom.dev/v1alpha1', kind: 'Component', metadata: { name: 'my-service' } });
    expect(object.metadata.annotations['greenroom.dev/backstage-name']).toBe('My_Service');
  });

  it('when the kind is spelled in lower case, then the Greenroom kind is spelled as the CRD spells it', () => {
    expect(convertOne(backstage('api', 'orders', { type: 'openapi', lifecycle: 'production', owner: 'team-a' })).kind).toBe('API');
  });

  it('when metadata has title, description, tags and links, then they move into spec and a link keeps url, title and icon', () => {
    const object = convertOne(
      backstageComponent(
        'checkout',
        {},
        {
          title: 'Checkout',
          description: 'Takes the money.',
          tags: ['typescript', 'Payments'],
          links: [{ url: 'https://grafana.example/d/1', title: 'Dashboard', icon: 'dashboard', type: 'grafana' }],
        },
      ),
    );
    expect(object.spec).toMatchObject({
      title: 'Checkout',
      description: 'Takes the money.',
      tags: ['typescript', 'payments'],
      links: [{ url: 'https://grafana.example/d/1', title: 'Dashboard', icon: 'dashboard' }],
    });
    expect(JSON.parse(object.metadata.annotations['greenroom.dev/backstage-unmapped'] ?? '{}')).toEqual({
      'metadata.links[0].type': 'grafana',
    });
  });

  it('when labels and annotations are valid for Kubernetes, then they are kept as they are', () => {
    const object = convertOne(
      backstageComponent('checkout', {}, { labels: { tier: 'critical' }, annotations: { 'backstage.io/techdocs-ref': 'dir:.' } }),
    );
    expect(object.metadata.labels).toEqual({ tier: 'critical' });
    expect(object.metadata.annotations['backstage.io/techdocs-ref']).toBe('dir:.');
  });

  it('when a label value is not valid for Kubernetes, then it moves into the unmapped annotation and the report says so', () => {
    const { entities, problems } = convertCatalog(
      inOneFile(backstageComponent('checkout', {}, { labels: { 'cost-center': 'Finance & Ops' } })),
    );
    const object = entities[0]?.object;
    expect(object?.metadata.labels).toBeUndefined();
    expect(JSON.parse(object?.metadata.annotations['greenroom.dev/backstage-unmapped'] ?? '{}')).toEqual({
      'metadata.labels.cost-center': 'Finance & Ops',
    });
    expect(problems).toEqual([
      expect.objectContaining({ severity: 'warning', message: expect.stringContaining('metadata.labels.cost-center') }),
    ]);
  });

  it('when the spec has a field Greenroom does not know, then it is kept in the unmapped annotation rather than dropped', () => {
    const object = convertOne(backstageComponent('checkout', { deployedOn: 'k8s-eu' }));
    expect(object.spec).not.toHaveProperty('deployedOn');
    expect(JSON.parse(object.metadata.annotations['greenroom.dev/backstage-unmapped'] ?? '{}')).toEqual({ 'spec.deployedOn': 'k8s-eu' });
  });

  it('when an API has an inline definition, then it is carried across as text', () => {
    const object = convertOne(
      backstage('API', 'orders', { type: 'grpc', lifecycle: 'production', owner: 'team-a', definition: 'syntax = "proto3";\n' }),
    );
    expect(object.spec.definition).toBe('syntax = "proto3";\n');
  });

  it('when an API definition is a $text placeholder with a URL, then the definition is that URL', () => {
    const definition = { $text: 'https://github.com/acme/orders/blob/main/openapi.yaml' };
    const object = convertOne(backstage('API', 'orders', { type: 'openapi', lifecycle: 'production', owner: 'team-a', definition }));
    expect(object.spec.definition).toBe('https://github.com/acme/orders/blob/main/openapi.yaml');
  });

  it('when a Group has profile, parent, children and members, then they are carried across and unknown profile fields kept aside', () => {
    const object = convertOne(
      backstage('Group', 'Team_A', {
        type: 'team',
        profile: { displayName: 'Team A', email: 'a@example.com', slack: '#team-a' },
        parent: 'Engineering',
        children: [],
        members: ['Jane.Doe', 'user:default/sam_okafor'],
      }),
    );
    expect(object.spec).toEqual({
      type: 'team',
      profile: { displayName: 'Team A', email: 'a@example.com' },
      parent: 'engineering',
      members: ['jane.doe', 'user:sam-okafor'],
    });
    expect(object.metadata.annotations['greenroom.dev/backstage-unmapped']).toBe('{"spec.profile.slack":"#team-a"}');
  });
});

describe('rewriting references to the mapped names', () => {
  it('when a Component references others, then every reference names the mapped entity and keeps the kind it was written with', () => {
    const object = convertOne(
      backstageComponent('checkout', {
        owner: 'group:default/Team_Payments',
        system: 'Online_Shop',
        subcomponentOf: 'Shop_Backend',
        providesApis: ['Checkout_API'],
        consumesApis: ['api:Payments_GRPC'],
        dependsOn: ['resource:Orders_DB', 'Component:Payments_Gateway'],
        dependencyOf: ['component:web_storefront'],
      }),
    );
    expect(object.spec).toMatchObject({
      owner: 'group:team-payments',
      system: 'online-shop',
      subcomponentOf: 'shop-backend',
      providesApis: ['checkout-api'],
      consumesApis: ['api:payments-grpc'],
      dependsOn: ['resource:orders-db', 'component:payments-gateway'],
      dependencyOf: ['component:web-storefront'],
    });
  });

  it('when Domain, System, Resource and User reference others, then those references are rewritten too', () => {
    const [domain, system, resource, user] = convertCatalog(
      inOneFile(
        backstage('Domain', 'Shop', { owner: 'Team_A', subdomainOf: 'All_Things' }),
        backstage('System', 'Online_Shop', { owner: 'Team_A', domain: 'Shop' }),
        backstage('Resource', 'Orders_DB', { type: 'database', owner: 'user:Jane.Doe', dependsOn: ['resource:Main_Cluster'] }),
        backstage('User', 'Jane.Doe', { memberOf: ['Team_A'] }),
      ),
    ).entities.map((e) => e.object.spec);
    expect(domain).toMatchObject({ owner: 'team-a', subdomainOf: 'all-things' });
    expect(system).toMatchObject({ owner: 'team-a', domain: 'shop' });
    expect(resource).toMatchObject({ owner: 'user:jane.doe', dependsOn: ['resource:main-cluster'] });
    expect(user).toMatchObject({ memberOf: ['team-a'] });
  });

  it('when a target namespace is given, then default-namespace entities go there and references into default name it only when needed', () => {
    const [inDefault, inPayments] = convertCatalog(
      inOneFile(
        backstageComponent('checkout', { owner: 'group:default/Team_A' }),
        backstageComponent('gateway', { owner: 'group:default/Team_A', system: 'payments/Card_Processing' }, { namespace: 'Payments' }),
      ),
      { namespace: 'shop' },
    ).entities.map((e) => e.object);
    expect(inDefault?.metadata).toMatchObject({ namespace: 'shop', annotations: { 'greenroom.dev/backstage-namespace': 'default' } });
    expect(inDefault?.spec.owner).toBe('group:team-a');
    expect(inPayments?.metadata).toMatchObject({ namespace: 'payments', annotations: { 'greenroom.dev/backstage-namespace': 'Payments' } });
    expect(inPayments?.spec).toMatchObject({ owner: 'group:shop/team-a', system: 'card-processing' });
  });

  it('when no target namespace is given, then default-namespace entities get none so kubectl decides', () => {
    const object = convertOne(backstageComponent('checkout', {}, { namespace: 'default' }));
    expect(object.metadata.namespace).toBeUndefined();
    expect(object.metadata.annotations).not.toHaveProperty('greenroom.dev/backstage-namespace');
  });

  it('when an entity outside default references into default without a target namespace, then the reference says default and the report says to pass --namespace', () => {
    const { entities, problems } = convertCatalog(
      inOneFile(backstageComponent('gateway', { owner: 'default/team-a' }, { namespace: 'payments' })),
    );
    expect(entities[0]?.object.spec.owner).toBe('default/team-a');
    expect(problems).toEqual([expect.objectContaining({ severity: 'warning', message: expect.stringContaining('pass --namespace') })]);
  });
});
