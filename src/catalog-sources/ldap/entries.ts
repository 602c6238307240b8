import type { LdapCatalog } from '../../api/v1alpha1/catalog-source.ts';
import { toKubernetesName } from '../../convert/names.ts';
import type { SourceProblem } from '../provider.ts';
import { normaliseDn } from './dn.ts';

/** A directory entry as a search returned it; attribute names lower-cased (LDAP compares them so). */
export interface DirectoryEntry {
  dn: string;
  attributes: Record<string, string[]>;
}

/** What both searches returned. */
export interface DirectoryContents {
  users: DirectoryEntry[];
  groups: DirectoryEntry[];
}

/** Which attribute becomes which field; the spec's map with its defaults filled in, names lower-cased. */
export interface LdapMapping {
  users: { name: string; displayName: string; email: string };
  groups: { name: string; displayName: string; description: string; members: string; type: string };
}

/** The spec's attribute map with the defaults its schema documents. */
export function mappingOf(spec: Pick<LdapCatalog, 'users' | 'groups'>): LdapMapping {
  const users = spec.users.map ?? {};
  const groups = spec.groups.map ?? {};
  return {
    users: {
      name: (users.name ?? 'uid').toLowerCase(),
      displayName: (users.displayName ?? 'cn').toLowerCase(),
      email: (users.email ?? 'mail').toLowerCase(),
    },
    groups: {
      name: (groups.name ?? 'cn').toLowerCase(),
      displayName: (groups.displayName ?? 'cn').toLowerCase(),
      description: (groups.description ?? 'description').toLowerCase(),
      members: (groups.members ?? 'member').toLowerCase(),
      type: spec.groups.type ?? 'team',
    },
  };
}

/** The filters the spec's schema defaults to, for a spec that was not parsed with its defaults. */
export const DEFAULT_FILTERS = { users: '(objectClass=inetOrgPerson)', groups: '(objectClass=groupOfNames)' } as const;

/** The attributes a search must ask for: only the mapped ones, so nothing else is read or held. */
export function attributesToRequest(mapping: LdapMapping): { users: string[]; groups: string[] } {
  const unique = (names: string[]) => [...new Set(names)];
  const { users, groups } = mapping;
  return {
    users: unique([users.name, users.displayName, users.email]),
    groups: unique([groups.name, groups.displayName, groups.description, groups.members]),
  };
}

/** The first value of an attribute; LDAP values are a set, and the first is what the directory stored first. */
export function firstValue(entry: DirectoryEntry, attribute: string): string | undefined {
  const value = entry.attributes[attribute]?.[0]?.trim();
  return value === '' ? undefined : value;
}

/** An entry that became a named entity. */
export interface NamedEntry {
  entry: DirectoryEntry;
  /** The entry's DN in normal form (see normaliseDn). */
  key: string;
  name: string;
}

/** Longest values the catalog kinds accept (src/api/v1alpha1/common.ts): longer ones would be refused whole. */
export const FIELD_LIMITS: Record<string, number> = { displayName: 256, email: 320, description: 4096 };

/** The first reason an entry's optional fields cannot be applied, if any. */
function fieldProblem(entry: DirectoryEntry, fields: Record<string, string>): string | undefined {
  for (const [field, attribute] of Object.entries(fields)) {
    const value = firstValue(entry, attribute);
    const limit = FIELD_LIMITS[field] ?? Infinity;
    if (value !== undefined && value.length > limit) {
      return `${attribute} is ${value.length} characters long; ${field} holds at most ${limit}`;
    }
  }
  return undefined;
}

/**
 * Names the entries of one search. Entries are taken in the order of their normal DNs, so
 * which of two entries claiming one name wins does not depend on the order the server
 * sent them in. An entry without the name attribute, whose value leaves no Kubernetes name,
 * that loses a name to an earlier one or carries a field too long to apply is a problem.
 */
export function nameEntries(
  entries: readonly DirectoryEntry[],
  what: 'user' | 'group',
  nameAttribute: string,
  fields: Record<string, string>,
): { named: Map<string, NamedEntry>; problems: SourceProblem[] } {
  const named = new Map<string, NamedEntry>();
  const byName = new Map<string, NamedEntry>();
  const problems: SourceProblem[] = [];
  const keyed = entries.map((entry) => ({ entry, key: normaliseDn(entry.dn) })).sort((a, b) => compare(a.key, b.key));
  for (const { entry, key } of keyed) {
    const problem = (reason: string) => problems.push({ location: entry.dn, reason });
    const value = firstValue(entry, nameAttribute);
    const name = value === undefined ? '' : toKubernetesName(value);
    const earlier = byName.get(name);
    const tooLong = fieldProblem(entry, fields);
    if (named.has(key)) continue; // the same entry twice (overlapping bases): one is enough
    if (value === undefined) problem(`the ${what} has no ${nameAttribute} to name it by`);
    else if (name === '') problem(`${nameAttribute} ${JSON.stringify(value)} leaves no valid Kubernetes name`);
    else if (earlier) problem(`${what} name ${name} (from ${nameAttribute}) is already taken by ${earlier.entry.dn}`);
    else if (tooLong) problem(tooLong);
    else {
      const item = { entry, key, name };
      named.set(key, item);
      byName.set(name, item);
    }
  }
  return { named, problems };
}

/** Code-point order: the same on every machine, unlike localeCompare. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
