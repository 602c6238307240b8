import { HttpProblem } from '../problems.ts';
import type { Person } from './person.ts';

/** Most groups one person may carry: they travel in the session cookie (4 KB) and every review. */
export const MAX_GROUPS = 100;
const MAX_NAME = 256;

/**
 * Prefixes each group, refusing more than {@link MAX_GROUPS} or a name over 256 characters:
 * cutting the list would silently drop a group a RoleBinding names.
 */
export function boundedGroups(groups: readonly string[], prefix: string): string[] | HttpProblem {
  if (groups.length > MAX_GROUPS) return new HttpProblem(403, [`${groups.length} groups; the portal accepts at most ${MAX_GROUPS}`]);
  if (groups.some((g) => g.length > MAX_NAME)) return new HttpProblem(403, [`a group name is longer than ${MAX_NAME} characters`]);
  const prefixed = [...new Set(groups)].map((g) => `${prefix}${g}`);
  const reserved = prefixed.find(isReserved);
  return reserved
    ? new HttpProblem(403, [`the group ${reserved} is reserved for Kubernetes itself; the portal does not act as it`])
    : prefixed;
}

/**
 * `system:` names belong to Kubernetes (system:masters is cluster-admin, system:node:… a
 * kubelet). The portal impersonates whoever its identity source names, so a provider or proxy
 * that let someone be called `system:masters` would hand them the cluster: such names are
 * refused, as kube-apiserver refuses them from its own OIDC authenticator.
 */
export function isReserved(name: string): boolean {
  return name.startsWith('system:');
}

/** The username, or why the portal will not act as it (see {@link isReserved}). */
export function checkedUsername(username: string): string | HttpProblem {
  return isReserved(username)
    ? new HttpProblem(403, [`the user name ${username} is reserved for Kubernetes itself; the portal does not act as it`])
    : username;
}

/**
 * kube-apiserver's OIDC claim mapping (`--oidc-username-claim`, `--oidc-username-prefix`,
 * `--oidc-groups-claim`, `--oidc-groups-prefix`), so the portal names a person exactly as
 * the apiserver does for kubectl with the same ID token.
 */
export interface ClaimMapping {
  issuerUrl: string;
  /** Default `sub`. */
  usernameClaim: string;
  /**
   * Undefined: the apiserver's default — none for `email`, `ISSUER#` for any other claim.
   * `-`: no prefix. Anything else is prepended.
   */
  usernamePrefix: string | undefined;
  /** Empty: no groups from the token. */
  groupsClaim: string;
  groupsPrefix: string;
}

/** The username prefix the apiserver would use for `mapping` (see ClaimMapping.usernamePrefix). */
export function usernamePrefix(mapping: Pick<ClaimMapping, 'issuerUrl' | 'usernameClaim' | 'usernamePrefix'>): string {
  if (mapping.usernamePrefix === '-') return '';
  if (mapping.usernamePrefix !== undefined) return mapping.usernamePrefix;
  return mapping.usernameClaim === 'email' ? '' : `${mapping.issuerUrl}#`;
}

/**
 * The Person an ID token's (already verified) claims name, or why it names none. As the
 * apiserver: the username claim must be a non-empty string; with `email` as the username, an
 * `email_verified` that is present must be true; the groups claim may be a string or a list.
 */
export function personFromClaims(claims: Readonly<Record<string, unknown>>, mapping: ClaimMapping): Person | HttpProblem {
  const user = claims[mapping.usernameClaim];
  if (typeof user !== 'string' || user === '')
    return new HttpProblem(403, [`the ID token has no ${mapping.usernameClaim} claim to name you by`]);
  if (user.length > MAX_NAME) return new HttpProblem(403, [`the ${mapping.usernameClaim} claim is longer than ${MAX_NAME} characters`]);
  if (mapping.usernameClaim === 'email' && 'email_verified' in claims && claims.email_verified !== true) {
    return new HttpProblem(403, [`the identity provider has not verified the email ${user}`]);
  }
  const raw = mapping.groupsClaim ? claims[mapping.groupsClaim] : undefined;
  const list =
    raw === undefined
      ? []
      : typeof raw === 'string'
        ? [raw]
        : Array.isArray(raw) && raw.every((g) => typeof g === 'string')
          ? (raw as string[])
          : undefined;
  if (!list) return new HttpProblem(403, [`the ${mapping.groupsClaim} claim is neither a string nor a list of strings`]);
  const groups = boundedGroups(list, mapping.groupsPrefix);
  if (groups instanceof HttpProblem) return groups;
  const email = typeof claims.email === 'string' && claims.email.length <= MAX_NAME ? claims.email : undefined;
  const name = typeof claims.name === 'string' && claims.name.length <= MAX_NAME ? claims.name : undefined;
  const username = checkedUsername(`${usernamePrefix(mapping)}${user}`);
  if (username instanceof HttpProblem) return username;
  return { username, groups, displayName: name ?? email ?? username, ...(email ? { email } : {}) };
}
