import { describe, expect, it } from '@jest/globals';
import { normaliseDn } from '../../src/catalog-sources/ldap/dn.ts';
import { attributesToRequest, mappingOf, type DirectoryEntry } from '../../src/catalog-sources/ldap/entries.ts';
import { MAX_REFERENCES, mapDirectory } from '../../src/catalog-sources/ldap/mapping.ts';
import type { SourceSnapshot } from '../../src/catalog-sources/provider.ts';

const BASE = 'dc=example,dc=com';
const mapping = mappingOf({ users: { baseDn: `ou=people,${BASE}` }, groups: { baseDn: `ou=groups,${BASE}` } });

const person = (uid: string | undefined, extra: Record<string, string[]> = {}): DirectoryEntry => ({
  dn: `uid=${uid ?? 'nobody'},ou=people,${BASE}`,
  attributes: { ...(uid === undefined ? {} : { uid: [uid] }), cn: [`${uid} Person`], mail: [`${uid}@example.com`], ...extra },
});
const group = (cn: string, members: string[], extra: Record<string, string[]> = {}): DirectoryEntry => ({
  dn: `cn=${cn},ou=groups,${BASE}`,
  attributes: { cn: [cn], member: members, ...extra },
});
const userDn = (uid: string) => `uid=${uid},ou=people,${BASE}`;
const groupDn = (cn: string) => `cn=${cn},ou=groups,${BASE}`;

/** The spec of the entity of a kind and name, or undefined. */
const specOf = (snapshot: SourceSnapshot, kind: string, name: string) =>
  snapshot.entities.find((e) => e.object.kind === kind && e.object.metadata.name === name)?.object.spec;
const names = (snapshot: SourceSnapshot) => snapshot.entities.map((e) => `${e.object.kind}/${e.object.metadata.name}`);

describe('normalising distinguished names', () => {
  it.each([
    ['CN=Ada Lovelace, OU=People,DC=Example,DC=com', 'cn=ada lovelace,ou=people,dc=example,dc=com'],
    ['uid = ada , ou = people , dc=example,dc=com', 'uid=ada,ou=people,dc=example,dc=com'],
    ['cn=Smith\\, John,ou=people', 'cn=smith\\, john,ou=people'],
    ['cn=Smith\\2C John,ou=people', 'cn=smith\\, john,ou=people'],
    ['cn="Smith, John",ou=people', 'cn=smith\\, john,ou=people'],
    ['uid=b+cn=A,ou=people', 'cn=a+uid=b,ou=people'],
    ['cn=Ren\\C3\\A9e,ou=people', 'cn=renée,ou=people'],
  ])('when the DN is %s, then its normal form is %s', (dn, normal) => {
    expect(normaliseDn(dn)).toBe(normal);
  });

  it('when a DN does not parse, then it is only trimmed and lower-cased, so it still equals itself', () => {
    expect(normaliseDn(' NotADn ')).toBe('notadn');
  });
});

describe('mapping directory entries to Users and Groups', () => {
  it('when entries have their attributes, then Users and Groups get names, profiles and type, sorted by kind then name', () => {
    const snapshot = mapDirectory(
      { users: [person('Bob'), person('ada')], groups: [group('Platform_Team', [], { description: ['Runs the platform'] })] },
      mapping,
    );
    expect(names(snapshot)).toEqual(['Group/platform-team', 'User/ada', 'User/bob']);
    expect(specOf(snapshot, 'User', 'bob')).toEqual({ profile: { displayName: 'Bob Person', email: 'Bob@example.com' } });
    expect(specOf(snapshot, 'Group', 'platform-team')).toEqual({
      type: 'team',
      profile: { displayName: 'Platform_Team' },
      description: 'Runs the platform',
    });
    expect(snapshot.entities[1]?.origin).toEqual({ location: userDn('ada') });
    expect(snapshot.entities[0]?.object).toMatchObject({ apiVersion: 'greenroom.dev/v1alpha1', metadata: { annotations: {} } });
    expect(snapshot.problems).toEqual([]);
  });

  it('when the attribute map names other attributes, then those are read, and only those are requested', () => {
    const custom = mappingOf({
      users: { baseDn: BASE, map: { name: 'sAMAccountName', displayName: 'displayName', email: 'userPrincipalName' } },
      groups: { baseDn: BASE, type: 'department', map: { name: 'cn', members: 'uniqueMember' } },
    });
    const snapshot = mapDirectory(
      {
        users: [{ dn: userDn('x'), attributes: { samaccountname: ['JDoe'], displayname: ['J. Doe'], userprincipalname: ['j@x.org'] } }],
        groups: [{ dn: groupDn('ops'), attributes: { cn: ['ops'], uniquemember: [userDn('x')] } }],
      },
      custom,
    );
    expect(specOf(snapshot, 'User', 'jdoe')).toEqual({ profile: { displayName: 'J. Doe', email: 'j@x.org' }, memberOf: ['ops'] });
    expect(specOf(snapshot, 'Group', 'ops')).toMatchObject({ type: 'department', members: ['jdoe'] });
    expect(attributesToRequest(custom)).toEqual({
      users: ['samaccountname', 'displayname', 'userprincipalname'],
      groups: ['cn', 'description', 'uniquemember'],
    });
  });

  it('when an entry has no name attribute or one that leaves no Kubernetes name, then it is a problem naming its DN and the rest still come', () => {
    const nameless = person(undefined);
    const symbols = { dn: userDn('sym'), attributes: { uid: ['___'] } };
    const snapshot = mapDirectory(
      { users: [nameless, symbols, person('ada')], groups: [group('eng', [nameless.dn, userDn('ada')])] },
      mapping,
    );
    expect(names(snapshot)).toEqual(['Group/eng', 'User/ada']);
    expect(specOf(snapshot, 'Group', 'eng')).toMatchObject({ members: ['ada'] });
    expect(snapshot.problems).toEqual([
      { location: nameless.dn, reason: 'the user has no uid to name it by' },
      { location: symbols.dn, reason: 'uid "___" leaves no valid Kubernetes name' },
    ]);
  });

  it('when two entries map to one name, then the first by DN wins whatever order the server sent them in, and the other is a problem', () => {
    const upper = { dn: `uid=ADA,ou=admins,${BASE}`, attributes: { uid: ['ADA'], cn: ['Admin Ada'] } };
    const lower = person('ada');
    for (const users of [
      [upper, lower],
      [lower, upper],
    ]) {
      const snapshot = mapDirectory({ users, groups: [] }, mapping);
      expect(specOf(snapshot, 'User', 'ada')).toMatchObject({ profile: { displayName: 'Admin Ada' } });
      expect(snapshot.problems).toEqual([{ location: lower.dn, reason: `user name ada (from uid) is already taken by ${upper.dn}` }]);
    }
  });

  it('when a value is longer than the catalog kind holds, then the entry is a problem rather than an object the API server refuses', () => {
    const snapshot = mapDirectory({ users: [person('ada', { cn: ['x'.repeat(300)] })], groups: [] }, mapping);
    expect(snapshot.entities).toEqual([]);
    expect(snapshot.problems).toEqual([{ location: userDn('ada'), reason: 'cn is 300 characters long; displayName holds at most 256' }]);
  });

  it('when a group lists users with DNs spelled differently, then they are members and the users are memberOf it', () => {
    const snapshot = mapDirectory(
      {
        users: [person('ada'), person('bob')],
        groups: [group('eng', ['UID=Ada, OU=People, DC=Example, DC=Com', 'uid = bob,ou=people,dc=example,dc=com'])],
      },
      mapping,
    );
    expect(specOf(snapshot, 'Group', 'eng')).toMatchObject({ members: ['ada', 'bob'] });
    expect(specOf(snapshot, 'User', 'ada')).toMatchObject({ memberOf: ['eng'] });
    expect(specOf(snapshot, 'User', 'bob')).toMatchObject({ memberOf: ['eng'] });
  });

  it('when a member DN is neither a user nor a group found, then it is ignored without a problem', () => {
    const snapshot = mapDirectory(
      { users: [person('ada')], groups: [group('eng', [`cn=robot,ou=services,${BASE}`, userDn('ada')])] },
      mapping,
    );
    expect(specOf(snapshot, 'Group', 'eng')).toMatchObject({ members: ['ada'] });
    expect(snapshot.problems).toEqual([]);
  });

  it('when a group is a member of another, then it is a child and its parent is set; a group listing itself is not its own parent', () => {
    const snapshot = mapDirectory(
      { users: [], groups: [group('eng', [groupDn('Backend'), groupDn('eng')]), group('Backend', [])] },
      mapping,
    );
    expect(specOf(snapshot, 'Group', 'eng')).toEqual({ type: 'team', profile: { displayName: 'eng' }, children: ['backend'] });
    expect(specOf(snapshot, 'Group', 'backend')).toMatchObject({ parent: 'eng' });
    expect(snapshot.problems).toEqual([]);
  });

  it('when a group is a member of two groups, then the first by name is its parent, the other loses it as a child, and its entry has a problem', () => {
    const snapshot = mapDirectory(
      { users: [], groups: [group('zeta', [groupDn('shared')]), group('alpha', [groupDn('shared')]), group('shared', [])] },
      mapping,
    );
    expect(specOf(snapshot, 'Group', 'shared')).toMatchObject({ parent: 'alpha' });
    expect(specOf(snapshot, 'Group', 'alpha')).toMatchObject({ children: ['shared'] });
    expect(specOf(snapshot, 'Group', 'zeta')).not.toHaveProperty('children');
    expect(snapshot.problems).toEqual([
      {
        location: groupDn('shared'),
        reason: 'the group is a member of alpha, zeta; a Group has one parent, so it is a child of alpha only',
      },
    ]);
  });

  it('when a group has more members than a Group holds, then it is a problem and its users are not memberOf it', () => {
    const users = Array.from({ length: MAX_REFERENCES + 1 }, (_, i) => person(`u${i}`));
    const snapshot = mapDirectory(
      {
        users,
        groups: [
          group(
            'all',
            users.map((u) => u.dn),
          ),
          group('few', [userDn('u1')]),
        ],
      },
      mapping,
    );
    expect(specOf(snapshot, 'Group', 'all')).toBeUndefined();
    expect(specOf(snapshot, 'User', 'u1')).toMatchObject({ memberOf: ['few'] });
    expect(snapshot.problems).toEqual([
      {
        location: groupDn('all'),
        reason: `the group has ${MAX_REFERENCES + 1} members and 0 child groups; a Group holds at most 1000 of each`,
      },
    ]);
  });

  it('when a user is in more groups than a User holds, then the user is a problem and no group lists it as a member', () => {
    const groups = Array.from({ length: MAX_REFERENCES + 1 }, (_, i) =>
      group(`g${i}`, [userDn('busy'), ...(i === 0 ? [userDn('ada')] : [])]),
    );
    const snapshot = mapDirectory({ users: [person('busy'), person('ada')], groups }, mapping);
    expect(specOf(snapshot, 'User', 'busy')).toBeUndefined();
    expect(specOf(snapshot, 'User', 'ada')).toMatchObject({ memberOf: ['g0'] });
    expect(specOf(snapshot, 'Group', 'g0')).toMatchObject({ members: ['ada'] });
    expect(specOf(snapshot, 'Group', 'g1')).not.toHaveProperty('members');
    expect(snapshot.problems).toEqual([
      { location: userDn('busy'), reason: `the user is in ${MAX_REFERENCES + 1} groups; a User holds at most 1000` },
    ]);
  });

  it('when the directory is read again unchanged, in another order, then the revision is the same; one changed value changes it', () => {
    const users = [person('ada'), person('bob')];
    const groups = [group('eng', [userDn('ada'), userDn('bob')]), group('ops', [userDn('bob')])];
    const first = mapDirectory({ users, groups }, mapping);
    const again = mapDirectory(
      { users: [...users].reverse(), groups: [group('ops', [userDn('bob')]), group('eng', [userDn('bob'), userDn('ada')])] },
      mapping,
    );
    const changed = mapDirectory({ users: [person('ada'), person('bob', { mail: ['robert@example.com'] })], groups }, mapping);
    expect(first.revision).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(again.revision).toBe(first.revision);
    expect(again.entities).toEqual(first.entities);
    expect(changed.revision).not.toBe(first.revision);
  });
});
