import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SOURCE_LABEL } from '../../src/api/v1alpha1/catalog-source.ts';
import { ALLOWED_HOSTS_ANNOTATION, hostOf } from '../../src/git/git-remote.ts';
import { startSlapd, type Slapd } from '../../src/local-cluster/slapd.ts';
import { kubectl } from '../support/kubectl.ts';
import { eventually, operators } from '../support/operator.ts';

// A CatalogSource of kind ldap on the real control plane, read by the operator from a real
// OpenLDAP slapd: people and teams arrive as Users and Groups with their memberships, a
// change in the directory is followed at the next check, an entity someone else holds is
// left alone and named, and the bind credentials go only to the host their Secret allows.
const namespace = 'catalog-source-ldap';
const BASE = 'dc=example,dc=com';
const PEOPLE = `ou=people,${BASE}`;
const GROUPS = `ou=groups,${BASE}`;
const TEAMS = 10;
const PEOPLE_COUNT = 100;
const reader = { dn: `cn=catalog-reader,${BASE}`, password: 'reader-pass-7c2d' };
const start = operators(namespace);
let slapd: Slapd;

const uid = (i: number) => `person-${String(i).padStart(3, '0')}`;
const personDn = (i: number) => `uid=${uid(i)},${PEOPLE}`;
const entry = (dn: string, attributes: Record<string, string | string[]>): string =>
  [`dn: ${dn}`, ...Object.entries(attributes).flatMap(([name, values]) => [values].flat().map((value) => `${name}: ${value}`))].join('\n');

function directory(): string {
  const entries = [
    entry(PEOPLE, { objectClass: 'organizationalUnit', ou: 'people' }),
    entry(GROUPS, { objectClass: 'organizationalUnit', ou: 'groups' }),
    entry(reader.dn, {
      objectClass: ['person', 'simpleSecurityObject'],
      cn: 'catalog-reader',
      sn: 'reader',
      userPassword: reader.password,
    }),
  ];
  for (let i = 0; i < PEOPLE_COUNT; i++)
    entries.push(
      entry(personDn(i), { objectClass: 'inetOrgPerson', uid: uid(i), cn: `Person ${i}`, sn: `${i}`, mail: `${uid(i)}@example.com` }),
    );
  for (let t = 0; t < TEAMS; t++) {
    const members = Array.from({ length: PEOPLE_COUNT / TEAMS }, (_, k) => personDn(k * TEAMS + t));
    entries.push(entry(`cn=team-${t},${GROUPS}`, { objectClass: 'groupOfNames', cn: `team-${t}`, member: members }));
  }
  return `${entries.join('\n\n')}\n`;
}

interface Status {
  revision?: string;
  counts?: Record<string, number>;
  conditions?: { type: string; status: string; reason?: string; message?: string }[];
}
const statusOf = async (name: string): Promise<Status> =>
  (JSON.parse(await kubectl(['get', 'catalogsource', name, '-n', namespace, '-o', 'json'])) as { status?: Status }).status ?? {};
const condition = (status: Status, type: string) => status.conditions?.find((c) => c.type === type);
const names = async (plural: string, selector = `${SOURCE_LABEL}=directory`): Promise<string[]> =>
  (await kubectl(['get', plural, '-n', namespace, '-l', selector, '-o', 'jsonpath={.items[*].metadata.name}']))
    .split(' ')
    .filter(Boolean)
    .sort();
const source = (name: string, secret: string) =>
  `apiVersion: greenroom.dev/v1alpha1
kind: CatalogSource
metadata: {name: ${name}}
spec:
  interval: 10s
  ldap:
    url: ${slapd.url}
    bindSecretRef: {name: ${secret}}
    users: {baseDn: "${PEOPLE}"}
    groups: {baseDn: "${GROUPS}"}
`;

beforeAll(async () => {
  slapd = await startSlapd();
  await slapd.add(directory());
  await kubectl(['create', 'namespace', namespace]);
  for (const [secret, hosts] of [
    ['ldap-bind', hostOf(slapd.url)],
    ['ldap-bind-elsewhere', 'ldap.example.com:389'],
  ] as const) {
    await kubectl([
      'create',
      'secret',
      'generic',
      secret,
      '-n',
      namespace,
      `--from-literal=dn=${reader.dn}`,
      `--from-literal=password=${reader.password}`,
    ]);
    await kubectl(['annotate', 'secret', secret, '-n', namespace, `${ALLOWED_HOSTS_ANNOTATION}=${hosts}`]);
  }
  // Applied by a person before the source: the source must not take it over.
  await kubectl(
    ['apply', '-n', namespace, '-f', '-'],
    'apiVersion: greenroom.dev/v1alpha1\nkind: Group\nmetadata: {name: team-9}\nspec: {type: guild, description: hand-made}\n',
  );
  await start();
}, 120_000);
afterAll(async () => slapd?.stop());

describe('a CatalogSource reading an LDAP directory', () => {
  it('when applied, then 100 people in 10 groups arrive with their memberships, and the group a person already holds is a named conflict', async () => {
    await kubectl(['apply', '-n', namespace, '-f', '-'], source('directory', 'ldap-bind'));
    const status = await eventually(
      'the source to sync',
      async () => {
        const s = await statusOf('directory');
        return condition(s, 'Synced')?.status === 'True' ? s : undefined;
      },
      60_000,
    );
    expect(status.counts).toMatchObject({ entities: 109, created: 109, conflicts: 1 });
    expect(condition(status, 'Ready')).toMatchObject({ status: 'True' });
    expect(condition(status, 'Conflicting')).toMatchObject({
      status: 'True',
      message: expect.stringMatching(/^Group team-9 \(cn=team-9,ou=groups,dc=example,dc=com\) is held by someone else/),
    });
    expect(await names('users')).toHaveLength(PEOPLE_COUNT);
    expect(await names('groups')).toEqual(Array.from({ length: 9 }, (_, t) => `team-${t}`));
    const team3 = JSON.parse(await kubectl(['get', 'group', 'team-3', '-n', namespace, '-o', 'json'])) as {
      spec: { members: string[] };
      metadata: { annotations: Record<string, string>; ownerReferences: { kind: string; name: string }[] };
    };
    expect(team3.spec.members).toEqual(Array.from({ length: 10 }, (_, k) => uid(k * TEAMS + 3)));
    expect(team3.metadata.annotations['greenroom.dev/source-location']).toBe(`cn=team-3,${GROUPS}`);
    expect(team3.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'CatalogSource', name: 'directory' })]);
    // The hand-made group is as its author left it.
    expect(await kubectl(['get', 'group', 'team-9', '-n', namespace, '-o', 'jsonpath={.spec.type}/{.metadata.labels}'])).toBe('guild/');
  });

  it('when a person leaves the directory, then their User is removed at the next check and nothing else changes', async () => {
    await slapd.modify(
      `dn: cn=team-5,${GROUPS}\nchangetype: modify\ndelete: member\nmember: ${personDn(5)}\n\ndn: ${personDn(5)}\nchangetype: delete\n`,
    );
    const status = await eventually(
      'the removal to be synced',
      async () => {
        const s = await statusOf('directory');
        return s.counts?.deleted === 1 ? s : undefined;
      },
      60_000,
    );
    expect(status.counts).toMatchObject({ entities: 108, created: 0, deleted: 1, updated: 1 });
    expect(await names('users')).not.toContain(uid(5));
    expect(await kubectl(['get', 'group', 'team-5', '-n', namespace, '-o', 'jsonpath={.spec.members}'])).not.toContain(uid(5));
  });

  it('when the bind Secret does not allow the directory host, then nothing is sent there and the source says why', async () => {
    await kubectl(['apply', '-n', namespace, '-f', '-'], source('misdirected', 'ldap-bind-elsewhere'));
    const status = await eventually('the refusal', async () => {
      const s = await statusOf('misdirected');
      return condition(s, 'Synced')?.status === 'False' ? s : undefined;
    });
    expect(condition(status, 'Synced')).toMatchObject({
      reason: 'SourceInvalid',
      message: expect.stringMatching(new RegExp(`may not be sent to host ${hostOf(slapd.url).replace('.', '\\.')}`)),
    });
    expect(await names('users', `${SOURCE_LABEL}=misdirected`)).toEqual([]);
  });

  it('when the source is deleted, then the entities it wrote go with it and the hand-made group stays', async () => {
    await kubectl(['delete', 'catalogsource', 'directory', '-n', namespace]);
    // The control plane's garbage collector follows the owner references.
    await eventually('the entities to be collected', async () => ((await names('users')).length === 0 ? true : undefined), 60_000);
    expect(await kubectl(['get', 'group', 'team-9', '-n', namespace, '-o', 'name'])).toMatch(/team-9/);
  });
});
