import { API_VERSION } from '../../api/v1alpha1/group-version.ts';
import type { GreenroomObject } from '../../convert/model.ts';
import type { SourcedEntity, SourceProblem, SourceSnapshot } from '../provider.ts';
import { normaliseDn } from './dn.ts';
import { compare, firstValue, nameEntries, type DirectoryContents, type LdapMapping, type NamedEntry } from './entries.ts';
import { revisionOf } from './revision.ts';

/** Most references a list field of a catalog kind holds (src/api/v1alpha1/reference-fields.ts). */
export const MAX_REFERENCES = 1000;

/** Who is in which group, by entity name. */
interface Memberships {
  /** group name → member user names */
  members: Map<string, Set<string>>;
  /** group name → child group names */
  children: Map<string, Set<string>>;
  /** child group name → every group listing it */
  parents: Map<string, Set<string>>;
}

/**
 * Resolves each group's member DNs: users found by the users search become members, groups
 * found by the groups search children. Anything else (service accounts, entries outside the
 * base DNs, stale DNs) is ignored without a problem: directories are full of those.
 */
function resolveMemberships(groups: Map<string, NamedEntry>, users: Map<string, NamedEntry>, memberAttribute: string): Memberships {
  const result: Memberships = { members: new Map(), children: new Map(), parents: new Map() };
  const add = (map: Map<string, Set<string>>, key: string, value: string) => {
    const set = map.get(key) ?? new Set<string>();
    set.add(value);
    map.set(key, set);
  };
  for (const group of groups.values()) {
    result.members.set(group.name, new Set());
    result.children.set(group.name, new Set());
    for (const dn of group.entry.attributes[memberAttribute] ?? []) {
      const key = normaliseDn(dn);
      const user = users.get(key);
      const child = groups.get(key);
      if (user) add(result.members, group.name, user.name);
      // A group listing itself would be its own parent, which the Group kind refuses.
      else if (child && child.name !== group.name) {
        add(result.children, group.name, child.name);
        add(result.parents, child.name, group.name);
      }
    }
  }
  return result;
}

/** Leaves out groups whose member or child lists are longer than a Group holds: applying them would fail whole. */
function dropOversizedGroups(
  groups: Map<string, NamedEntry>,
  users: Map<string, NamedEntry>,
  memberAttribute: string,
  problems: SourceProblem[],
): Map<string, NamedEntry> {
  const first = resolveMemberships(groups, users, memberAttribute);
  const kept = new Map<string, NamedEntry>();
  for (const [key, group] of groups) {
    const members = first.members.get(group.name)?.size ?? 0;
    const children = first.children.get(group.name)?.size ?? 0;
    if (members > MAX_REFERENCES || children > MAX_REFERENCES) {
      problems.push({
        location: group.entry.dn,
        reason: `the group has ${members} members and ${children} child groups; a Group holds at most ${MAX_REFERENCES} of each`,
      });
    } else {
      kept.set(key, group);
    }
  }
  return kept;
}

/**
 * A Group has one parent. A group listed by several gets the first by name (so the choice
 * does not change from one read to the next); the others lose it as a child, so parent and
 * children agree, and the child's entry carries a problem naming them.
 */
function chooseParents(memberships: Memberships, groups: Map<string, NamedEntry>, problems: SourceProblem[]): Map<string, string> {
  const dnOf = new Map([...groups.values()].map((group) => [group.name, group.entry.dn]));
  const parentOf = new Map<string, string>();
  for (const [child, parents] of memberships.parents) {
    const [chosen, ...others] = [...parents].sort(compare);
    if (chosen === undefined) continue;
    parentOf.set(child, chosen);
    for (const other of others) memberships.children.get(other)?.delete(child);
    if (others.length > 0) {
      problems.push({
        location: dnOf.get(child) ?? child,
        reason: `the group is a member of ${[chosen, ...others].join(', ')}; a Group has one parent, so it is a child of ${chosen} only`,
      });
    }
  }
  return parentOf;
}

/** user name → the groups it is in; a user in more than a User holds is left out, and taken out of its groups. */
function memberOfUsers(memberships: Memberships, users: Map<string, NamedEntry>, problems: SourceProblem[]): Map<string, string[]> {
  const memberOf = new Map<string, string[]>();
  for (const [group, members] of memberships.members) {
    for (const user of members) memberOf.set(user, [...(memberOf.get(user) ?? []), group]);
  }
  for (const [key, user] of users) {
    const groups = memberOf.get(user.name) ?? [];
    if (groups.length <= MAX_REFERENCES) continue;
    problems.push({ location: user.entry.dn, reason: `the user is in ${groups.length} groups; a User holds at most ${MAX_REFERENCES}` });
    users.delete(key);
    memberOf.delete(user.name);
    for (const group of groups) memberships.members.get(group)?.delete(user.name);
  }
  return memberOf;
}

const sorted = (values: Iterable<string> | undefined): string[] => [...(values ?? [])].sort(compare);

/** An empty list or object says nothing a missing one does not. */
const isEmpty = (value: unknown): boolean =>
  value === undefined || (typeof value === 'object' && value !== null && Object.keys(value).length === 0);

/** Fields with a value; an absent attribute leaves its field out rather than empty. */
function defined(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => !isEmpty(value)));
}

function entity(kind: 'Group' | 'User', named: NamedEntry, spec: Record<string, unknown>): SourcedEntity {
  const object: GreenroomObject = { apiVersion: API_VERSION, kind, metadata: { name: named.name, annotations: {} }, spec };
  return { object, origin: { location: named.entry.dn } };
}

/**
 * Turns what the two searches returned into Groups and Users with their memberships. Pure:
 * the same directory gives the same snapshot, entities sorted by kind then name, and the
 * same revision. Nothing is thrown for a bad entry; it becomes a problem naming its DN.
 */
export function mapDirectory(contents: DirectoryContents, mapping: LdapMapping): SourceSnapshot {
  const { users: userMap, groups: groupMap } = mapping;
  const userFields = { displayName: userMap.displayName, email: userMap.email };
  const groupFields = { displayName: groupMap.displayName, description: groupMap.description };
  const users = nameEntries(contents.users, 'user', userMap.name, userFields);
  const groups = nameEntries(contents.groups, 'group', groupMap.name, groupFields);
  const problems = [...users.problems, ...groups.problems];
  const keptGroups = dropOversizedGroups(groups.named, users.named, groupMap.members, problems);
  const memberships = resolveMemberships(keptGroups, users.named, groupMap.members);
  const parentOf = chooseParents(memberships, keptGroups, problems);
  const memberOf = memberOfUsers(memberships, users.named, problems);

  const entities: SourcedEntity[] = [];
  for (const group of keptGroups.values()) {
    const spec = defined({
      type: groupMap.type,
      profile: defined({ displayName: firstValue(group.entry, groupMap.displayName) }),
      description: firstValue(group.entry, groupMap.description),
      parent: parentOf.get(group.name),
      children: sorted(memberships.children.get(group.name)),
      members: sorted(memberships.members.get(group.name)),
    });
    entities.push(entity('Group', group, spec));
  }
  for (const user of users.named.values()) {
    const profile = defined({ displayName: firstValue(user.entry, userMap.displayName), email: firstValue(user.entry, userMap.email) });
    entities.push(entity('User', user, defined({ profile, memberOf: sorted(memberOf.get(user.name)) })));
  }
  entities.sort((a, b) => compare(a.object.kind, b.object.kind) || compare(a.object.metadata.name, b.object.metadata.name));
  problems.sort((a, b) => compare(a.location, b.location) || compare(a.reason, b.reason));
  return { revision: revisionOf(entities, problems), entities, problems };
}
