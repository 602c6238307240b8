/**
 * Which remotes git may talk to, and which hosts a credential may go to. Pure decisions:
 * git-cli.ts asks them before it runs git, so a refused remote costs no network call.
 */

import { commaSeparated } from '../shared/comma-separated.ts';

/**
 * The annotation on a credentials Secret naming the hosts (host or host:port, comma-separated)
 * its credentials may be sent to. Whoever may write a TemplateRun's values or a DocSource's
 * URL chooses the remote; only whoever may write the Secret chooses where its token goes.
 */
export const ALLOWED_HOSTS_ANNOTATION = 'greenroom.dev/allowed-hosts';

/** The schemes git may use: https always, http only when the operator was told to allow it. */
export interface RemotePolicy {
  allowHttp: boolean;
}

/** The hosts an annotation value names, lower-cased; empty entries are dropped. */
export function parseAllowedHosts(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return commaSeparated(value).map((host) => host.toLowerCase());
}

/**
 * Why git may not use this remote, or undefined when it may. Only https (and http by
 * opt-in): file://, local paths, ssh's scp form, git:// and ext:: (which runs a command)
 * are refused here, and GIT_ALLOW_PROTOCOL refuses them again inside git.
 */
export function remoteProblem(url: string, policy: RemotePolicy): string | undefined {
  const parsed = /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? (URL.parse(url) ?? undefined) : undefined;
  const scheme = parsed?.protocol.slice(0, -1).toLowerCase();
  if (scheme === 'https' || (scheme === 'http' && policy.allowHttp)) {
    return parsed!.hostname ? undefined : `repository URL ${url} names no host`;
  }
  if (scheme === 'http')
    return `repository URL ${url} uses plain http, which this operator does not allow (it would send credentials unencrypted); use https, or start the operator with --allow-http-git`;
  return `repository URL ${url} is not an https:// URL; only https${policy.allowHttp ? ' and http' : ''} remotes are allowed (not file://, ssh, git:// or ext::)`;
}

/** host[:port] as URL parsing writes it (lower-case, default port dropped). */
export function hostOf(url: string): string {
  return URL.parse(url)?.host.toLowerCase() ?? '';
}

/**
 * Why credentials from `secret` may not go to `url`, or undefined when they may: the URL's
 * host[:port] must be one the Secret's annotation lists. A Secret without the annotation
 * goes nowhere — no default could be right for every Secret a tenant can name.
 */
export function credentialHostProblem(url: string, allowedHosts: readonly string[] | undefined, secret: string): string | undefined {
  const host = hostOf(url);
  const add = `annotate it with ${ALLOWED_HOSTS_ANNOTATION}: ${host || '<host>'}`;
  if (allowedHosts === undefined)
    return `${secret} has no ${ALLOWED_HOSTS_ANNOTATION} annotation, so its credentials are sent to no host; to send them to ${host || "this repository's host"}, ${add}`;
  const normal = allowedHosts.map((h) => hostOf(`https://${h}`) || h);
  if (!normal.includes(host)) {
    return `the credentials of ${secret} may not be sent to host ${host} (its ${ALLOWED_HOSTS_ANNOTATION} annotation allows ${allowedHosts.join(', ') || 'none'}); use a repository on an allowed host, or ${add}`;
  }
  return undefined;
}

/**
 * The URL git's per-URL config is keyed on (`http.<url>.extraHeader`): the remote without
 * userinfo, query or fragment. git matches it on scheme, host, port and path prefix, so the
 * header goes to this repository only.
 */
export function authScope(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
}
