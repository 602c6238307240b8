/**
 * Who is asking, as the apiserver names them: the username and groups kubectl would present
 * for the same person (with the same prefixes as kube-apiserver's --oidc-username-prefix and
 * --oidc-groups-prefix), so the RoleBindings that already govern a namespace decide what the
 * portal shows (SubjectAccessReview) and does (impersonation) for them.
 */
import type { Response } from 'express';

export interface Person {
  /** The Kubernetes username, prefix included (e.g. `oidc:alice@example.com`). */
  username: string;
  /** The Kubernetes groups, prefix included; `system:authenticated` is added by the apiserver, not here. */
  groups: readonly string[];
  /** What the header shows: the name or email claim, or the username. */
  displayName: string;
  email?: string;
}

/**
 * How the dashboard learns who is asking (`--auth`): `none`, nobody (read-only, all-seeing,
 * as before sign-in existed); `proxy`, headers from an authenticating proxy at trusted
 * addresses; `oidc`, its own OpenID Connect sign-in and session cookie.
 */
export const AUTH_MODES = ['none', 'proxy', 'oidc'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

/** The person the authentication middleware found for this request; undefined under `--auth none`. */
export function personOf(res: Response): Person | undefined {
  return res.locals.person as Person | undefined;
}

export function setPerson(res: Response, person: Person): void {
  res.locals.person = person;
}
