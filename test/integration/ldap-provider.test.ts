import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import type { LdapCatalog } from '../../src/api/v1alpha1/catalog-source.ts';
import { ldapProvider, type LdapProviderOptions } from '../../src/catalog-sources/ldap/provider.ts';
import type { SourceSnapshot } from '../../src/catalog-sources/provider.ts';
import { startSlapd, type Slapd } from '../../src/local-cluster/slapd.ts';

// The provider against a real OpenLDAP slapd (Debian's; tools/ldap/install-packages.sh).
// This file needs no control plane: it runs in the integration project for the real server.

const BASE = 'dc=example,dc=com';
const PEOPLE = `ou=people,${BASE}`;
const GROUPS = `ou=groups,${BASE}`;
const TEAMS = 10;
const PEOPLE_COUNT = 100;
const bounds: LdapProviderOptions = { timeoutMs: 10_000, maxEntries: 20_000 };

const uid = (i: number) => `person-${String(i).padStart(3, '0')}`;
const team = (i: number) => `team-${i}`;
const personDn = (i: number) => `uid=${uid(i)},${PEOPLE}`;
const teamDn = (i: number) => `cn=${team(i)},${GROUPS}`;

const entry = (dn: string, attributes: Record<string, string | string[]>): string =>
  [`dn: ${dn}`, ...Object.entries(attributes).flatMap(([name, values]) => [values].flat().map((value) => `${name}: ${value}`))].join('\n');

/** 100 people, person i in team i % 10; team-0 also lists team-1 (nested), a DN spelled oddly and one that is nobody. */
function directoryLdif(): string {
  const entries = [
    entry(PEOPLE, { objectClass: 'organizationalUnit', ou: 'people' }),
    entry(GROUPS, { objectClass: 'organizationalUnit', ou: 'groups' }),
  ];
  for (let i = 0; i < PEOPLE_COUNT; i++) {
    entries.push(
      entry(personDn(i), {
        objectClass: 'inetOrgPerson',
        uid: uid(i),
        cn: `Person ${i}`,
        sn: `${i}`,
        mail: `${uid(i)}@example.com`,
        departmentNumber: team(i % TEAMS),
      }),
    );
  }
  for (let t = 0; t < TEAMS; t++) {
    const members = Array.from({ length: PEOPLE_COUNT / TEAMS }, (_, k) => personDn(k * TEAMS + t));
    if (t === 0) members.push(teamDn(1), `cn=robot,ou=services,${BASE}`);
    // One member written as people write DNs by hand: upper case, spaces after commas.
    if (t === 2) members[0] = `UID=${uid(2).toUpperCase()}, OU=People, DC=Example, DC=Com`;
    entries.push(entry(teamDn(t), { objectClass: 'groupOfNames', cn: team(t), description: `Team ${t}`, member: members }));
  }
  return entries.join('\n\n') + '\n';
}

const spec = (url: string, overrides: Partial<LdapCatalog> = {}): LdapCatalog => ({
  url,
  users: { baseDn: PEOPLE },
  groups: { baseDn: GROUPS },
  ...overrides,
});

const specOf = (snapshot: SourceSnapshot, kind: string, name: string) =>
  snapshot.entities.find((e) => e.object.kind === kind && e.object.metadata.name === name)?.object.spec;
const namesOf = (snapshot: SourceSnapshot, kind: string) =>
  snapshot.entities.filter((e) => e.object.kind === kind).map((e) => e.object.metadata.name);

let slapd: Slapd;
/** A directory account that may read, as a CatalogSource's bind Secret would name (not the rootdn). */
const reader = { dn: `cn=catalog-reader,${BASE}`, password: 'reader-pass-5b1e' };
const read = (source: LdapCatalog, options: LdapProviderOptions = bounds) =>
  ldapProvider(source, reader, options).read(AbortSignal.timeout(60_000));

beforeAll(async () => {
  slapd = await startSlapd({ tls: true });
  await slapd.add(directoryLdif());
  await slapd.add(
    entry(reader.dn, {
      objectClass: ['person', 'simpleSecurityObject'],
      cn: 'catalog-reader',
      sn: 'reader',
      userPassword: reader.password,
    }) + '\n',
  );
});
afterAll(async () => slapd?.stop());

describe('the LDAP catalog provider against a real slapd', () => {
  it('when 100 people are in 10 groups, then 100 Users and 10 Groups come with their memberships, a member DN written in upper case included', async () => {
    const snapshot = await read(spec(slapd.url));
    expect(namesOf(snapshot, 'User')).toEqual(Array.from({ length: PEOPLE_COUNT }, (_, i) => uid(i)));
    expect(namesOf(snapshot, 'Group')).toEqual(Array.from({ length: TEAMS }, (_, t) => team(t)));
    for (let t = 0; t < TEAMS; t++) {
      const expected = Array.from({ length: PEOPLE_COUNT / TEAMS }, (_, k) => uid(k * TEAMS + t));
      expect(specOf(snapshot, 'Group', team(t))).toMatchObject({ members: expected, description: `Team ${t}`, type: 'team' });
    }
    for (let i = 0; i < PEOPLE_COUNT; i++) {
      expect(specOf(snapshot, 'User', uid(i))).toEqual({
        profile: { displayName: `Person ${i}`, email: `${uid(i)}@example.com` },
        memberOf: [team(i % TEAMS)],
      });
    }
    expect(snapshot.entities.find((e) => e.object.metadata.name === uid(7))?.origin).toEqual({ location: personDn(7) });
    expect(snapshot.problems).toEqual([]);
  });

  it('when a group is a member of another, then it becomes its child and the child names its parent', async () => {
    const snapshot = await read(spec(slapd.url));
    expect(specOf(snapshot, 'Group', team(0))).toMatchObject({ children: [team(1)] });
    expect(specOf(snapshot, 'Group', team(1))).toMatchObject({ parent: team(0) });
    expect(specOf(snapshot, 'Group', team(2))).not.toHaveProperty('parent');
  });

  it('when the bind password is wrong, then the read rejects naming the server and the result, without the password', async () => {
    const wrong = 'not-the-password-7f3a';
    const attempt = ldapProvider(spec(slapd.url), { dn: reader.dn, password: wrong }, bounds).read(AbortSignal.timeout(60_000));
    const error = (await attempt.catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toContain(slapd.url);
    expect(error.message).toContain('invalid credentials (LDAP result 49)');
    expect(error.message).not.toContain(wrong);
    expect(error.message).not.toContain(reader.password);
  });

  it('when the bind Secret’s password is empty, then the read rejects rather than binding unauthenticated', async () => {
    const attempt = ldapProvider(spec(slapd.url), { dn: reader.dn, password: '' }, bounds).read(AbortSignal.timeout(60_000));
    await expect(attempt).rejects.toThrow(`${slapd.url}: the bind password for ${reader.dn} is empty`);
  });

  it('when the server accepts the connection but never answers, then the read rejects once the operation times out', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const attempt = ldapProvider(spec(`ldap://127.0.0.1:${port}`), reader, { ...bounds, timeoutMs: 300 }).read(
        AbortSignal.timeout(60_000),
      );
      await expect(attempt).rejects.toThrow(new RegExp(`^ldap://127\\.0\\.0\\.1:${port}: bind as .* failed: .*timed out`));
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('when an entry has no uid, then it is a problem naming its DN and the rest are still returned', async () => {
    const odd = `ou=odd,${BASE}`;
    const nameless = `cn=No Uid,${odd}`;
    await slapd.add(
      [
        entry(odd, { objectClass: 'organizationalUnit', ou: 'odd' }),
        entry(nameless, { objectClass: 'inetOrgPerson', cn: 'No Uid', sn: 'Uid' }),
        entry(`uid=grace,${odd}`, { objectClass: 'inetOrgPerson', uid: 'grace', cn: 'Grace Hopper', sn: 'Hopper' }),
      ].join('\n\n') + '\n',
    );
    const snapshot = await read(spec(slapd.url, { users: { baseDn: odd } }));
    expect(namesOf(snapshot, 'User')).toEqual(['grace']);
    expect(namesOf(snapshot, 'Group')).toHaveLength(TEAMS);
    expect(snapshot.problems).toEqual([{ location: nameless, reason: 'the user has no uid to name it by' }]);
  });

  it('when the filters select a subset, then only those users and groups come, with the memberships among them', async () => {
    const snapshot = await read(
      spec(slapd.url, {
        users: { baseDn: PEOPLE, filter: `(&(objectClass=inetOrgPerson)(departmentNumber=${team(3)}))`, scope: 'one' },
        groups: { baseDn: GROUPS, filter: `(cn=${team(3)})` },
      }),
    );
    const expected = Array.from({ length: PEOPLE_COUNT / TEAMS }, (_, k) => uid(k * TEAMS + 3));
    expect(namesOf(snapshot, 'User')).toEqual(expected);
    expect(namesOf(snapshot, 'Group')).toEqual([team(3)]);
    expect(specOf(snapshot, 'Group', team(3))).toMatchObject({ members: expected });
  });

  it('when the searches return more entries than the cap, then the read rejects saying so', async () => {
    await expect(read(spec(slapd.url), { ...bounds, maxEntries: 50, pageSize: 20 })).rejects.toThrow(
      `${slapd.url}: the searches return more than 50 entries`,
    );
  });

  it('when one entry changes, then the revision changes; when nothing changes, it stays', async () => {
    const before = await read(spec(slapd.url));
    const unchanged = await read(spec(slapd.url));
    expect(unchanged.revision).toBe(before.revision);
    await slapd.modify(`dn: ${personDn(42)}\nchangetype: modify\nreplace: mail\nmail: p42@example.org\n`);
    const after = await read(spec(slapd.url));
    expect(after.revision).not.toBe(before.revision);
    expect(specOf(after, 'User', uid(42))).toMatchObject({ profile: { email: 'p42@example.org' } });
  });

  it('when the url is ldaps://, then the server certificate is verified: trusted with its CA, refused without', async () => {
    const ldaps = spec(slapd.ldapsUrl ?? '');
    const tlsCa = await readFile(slapd.caFile ?? '', 'utf8');
    const snapshot = await read(ldaps, { ...bounds, tlsCa });
    expect(namesOf(snapshot, 'User')).toHaveLength(PEOPLE_COUNT);
    await expect(read(ldaps)).rejects.toThrow(/certificate/);
  });

  it('when the signal aborts during a read, then the read rejects with the abort reason', async () => {
    const controller = new AbortController();
    const reading = ldapProvider(spec(slapd.url), reader, bounds).read(controller.signal);
    controller.abort(new Error('sync stopped'));
    await expect(reading).rejects.toThrow('sync stopped');
    const aborted = ldapProvider(spec(slapd.url), reader, bounds).read(AbortSignal.abort(new Error('already stopped')));
    await expect(aborted).rejects.toThrow('already stopped');
  });
});

describe('the harness slapd', () => {
  it('when it is stopped, then its process has exited and its directory (config, database, password) is gone', async () => {
    const own = await startSlapd();
    expect(existsSync(`${own.dir}/slapd.conf`)).toBe(true);
    expect(own.process.running()).toBe(true);
    await own.stop();
    expect(own.process.running()).toBe(false);
    expect(existsSync(own.dir)).toBe(false);
  });
});
