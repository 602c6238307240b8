import type { IncomingHttpHeaders } from 'node:http';
import type { RequestHandler } from 'express';
import { commaSeparated } from '../../shared/comma-separated.ts';
import { HttpProblem } from '../problems.ts';
import { setPerson, type Person } from './person.ts';
import { isTrustedPeer, type TrustedPeers } from './trusted-peers.ts';
import { boundedGroups, checkedUsername } from './claims.ts';

/**
 * `--auth proxy`: an authenticating proxy in front (oauth2-proxy, Pomerium) names the person
 * in request headers. The header names default to oauth2-proxy's; the prefixes work like
 * kube-apiserver's `--oidc-username-prefix`/`--oidc-groups-prefix`, so a person is the same
 * Kubernetes user here as with kubectl.
 */
export interface ProxyAuthSettings {
  /** Peers (by socket address) whose headers are believed; everyone else is refused. */
  trustedPeers: TrustedPeers;
  userHeader: string;
  groupsHeader: string;
  emailHeader: string;
  usernamePrefix: string;
  groupsPrefix: string;
}

export const DEFAULT_PROXY_HEADERS = {
  userHeader: 'X-Forwarded-User',
  groupsHeader: 'X-Forwarded-Groups',
  emailHeader: 'X-Forwarded-Email',
} as const;

/** Longest user, email or group name read from a header; longer is refused rather than cut. */
const MAX_NAME = 256;

function single(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  const text = Array.isArray(value) ? value.join(',') : value;
  return text?.trim() || undefined;
}

/**
 * The person the proxy's headers name, or why there is none: 401 when the user header is
 * missing (the proxy let an unauthenticated request through), 400 when a value is too long.
 * Groups are comma-separated, as oauth2-proxy sends them.
 */
export function personFromProxyHeaders(
  headers: IncomingHttpHeaders,
  settings: Omit<ProxyAuthSettings, 'trustedPeers'>,
): Person | HttpProblem {
  const user = single(headers, settings.userHeader);
  if (!user) return new HttpProblem(401, [`no ${settings.userHeader} header: sign in through the authenticating proxy`]);
  const email = single(headers, settings.emailHeader);
  if (user.length > MAX_NAME || (email?.length ?? 0) > MAX_NAME)
    return new HttpProblem(400, [`${settings.userHeader} or ${settings.emailHeader} is longer than ${MAX_NAME} characters`]);
  const groups = boundedGroups(commaSeparated(single(headers, settings.groupsHeader) ?? ''), settings.groupsPrefix);
  if (groups instanceof HttpProblem) return groups;
  const username = checkedUsername(`${settings.usernamePrefix}${user}`);
  if (username instanceof HttpProblem) return username;
  return {
    username,
    groups,
    displayName: email ?? user,
    ...(email ? { email } : {}),
  };
}

/**
 * Sets the person from the proxy's headers, refusing (403) any request whose TCP peer is not
 * a trusted proxy: anyone who can reach the pod directly could otherwise write the headers.
 */
export function proxyAuthentication(settings: ProxyAuthSettings): RequestHandler {
  return (req, res, next) => {
    if (!isTrustedPeer(req.socket.remoteAddress, settings.trustedPeers)) {
      return next(new HttpProblem(403, ['this address may not reach the portal directly; go through the sign-in proxy']));
    }
    const person = personFromProxyHeaders(req.headers, settings);
    if (person instanceof HttpProblem) return next(person);
    setPerson(res, person);
    next();
  };
}
