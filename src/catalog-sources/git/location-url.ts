import { outsideReason } from '../../convert/confined-files.ts';
import type { GitCredentials } from '../../git/git-cli.ts';
import { credentialHostProblem, hostOf, remoteProblem } from '../../git/git-remote.ts';

/** A file (or directory, or glob) of a git repository at a ref, as a Location's URL target names it. */
export interface RepositoryTarget {
  /** The repository's clone URL: the target's scheme, host and project path (query, fragment and the file's part dropped). */
  repository: string;
  /** Branch, tag or commit; HEAD (the remote's default branch) when the URL names none. */
  ref: string;
  /** Path inside the repository, relative to its root, decoded; may be a glob. */
  path: string;
}

/** What Backstage reads when a Location names a repository and no file in it. */
export const REPOSITORY_CATALOG_FILE = 'catalog-info.yaml';

/**
 * The repository, ref and path a Location URL target names, or why it names none. Forges
 * show a file at `<project>/blob/<ref>/<path>` (GitHub, Gitea), `<project>/-/blob/<ref>/<path>`
 * (GitLab) and a directory at `tree` instead of `blob`; a URL without either (`https://host/org/repo.git`)
 * names the repository's catalog-info.yaml on its default branch. A ref is one path segment:
 * `blob/release/1.0/x.yaml` is read as ref `release` and path `1.0/x.yaml`, as nothing but the
 * forge knows where a ref with a slash ends.
 */
export function parseLocationUrl(target: string): RepositoryTarget | { problem: string } {
  const url = URL.parse(target);
  if (!url) return { problem: 'it is not a valid URL' };
  const segments = url.pathname.split('/').filter(Boolean);
  const marker = segments.findIndex((segment, i) => (segment === 'blob' || segment === 'tree') && i >= 1);
  const project = marker < 0 ? segments : segments.slice(0, segments[marker - 1] === '-' ? marker - 1 : marker);
  if (project.length === 0) return { problem: 'it names no repository' };
  const repository = `${url.protocol}//${url.host}/${project.join('/')}`;
  if (marker < 0) return { repository, ref: 'HEAD', path: REPOSITORY_CATALOG_FILE };
  const [ref, ...rest] = segments.slice(marker + 1);
  if (ref === undefined) return { problem: `it names no ref after /${segments[marker]}/` };
  let decoded: string[];
  try {
    decoded = [ref, ...rest].map(decodeURIComponent);
  } catch {
    return { problem: 'its path is not validly percent-encoded' };
  }
  const [name = '', ...parts] = decoded;
  // git would read a ref starting with - as an option (the fetch says --end-of-options too).
  if (name === '' || name.startsWith('-')) return { problem: `its ref ${name} is not a branch, tag or commit` };
  const path = parts.join('/');
  const outside = path === '' ? undefined : outsideReason(path);
  if (outside) return { problem: `its path ${path} is refused: ${outside}` };
  return { repository, ref: name, path: path === '' ? '.' : path };
}

/** What the CatalogSource that read the Location may reach: its own repository, its Secret, the operator's http opt-in. */
export interface FollowPolicy {
  /** The CatalogSource's own repository URL. */
  sourceUrl: string;
  credentials?: GitCredentials | undefined;
  allowHttp: boolean;
}

/** A target that may be fetched, with the credentials that may go with it (none: fetched anonymously). */
export interface AllowedTarget extends RepositoryTarget {
  credentials?: GitCredentials | undefined;
}

/**
 * Whether a Location's URL target is followed, and with which credentials. Whoever can push
 * a catalog file writes the URL, so it must not make the operator a proxy to any host nor
 * send a token anywhere its Secret does not say: only https (http by the operator's opt-in),
 * no userinfo, and only to the CatalogSource's own repository host or a host its Secret is
 * bound to (greenroom.dev/allowed-hosts). Credentials go only to a host they are bound to;
 * the source's own host without that binding is read anonymously.
 */
export function followDecision(target: string, policy: FollowPolicy): AllowedTarget | { problem: string } {
  const url = URL.parse(target);
  if (!url) return { problem: 'it is not a valid URL' };
  if (url.username !== '' || url.password !== '')
    return { problem: "it has a user or password in it; credentials come only from the CatalogSource's Secret" };
  const scheme = remoteProblem(`${url.protocol}//${url.host}/`, { allowHttp: policy.allowHttp });
  if (scheme) return { problem: scheme.replace(/^repository URL \S+/, 'it') };
  const host = url.host.toLowerCase();
  const bound = policy.credentials
    ? credentialHostProblem(target, policy.credentials.allowedHosts, policy.credentials.source ?? 'the Secret') === undefined
    : false;
  if (host !== hostOf(policy.sourceUrl) && !bound)
    return {
      problem: `its host ${host} is neither the CatalogSource's repository host (${hostOf(policy.sourceUrl)}) nor one its Secret's greenroom.dev/allowed-hosts names`,
    };
  const parsed = parseLocationUrl(target);
  if ('problem' in parsed) return parsed;
  return bound ? { ...parsed, credentials: policy.credentials } : parsed;
}

/** A followed repository at a ref, as one key: the same repository and ref are checked out once per read. */
export function checkoutKey(target: Pick<RepositoryTarget, 'repository' | 'ref'>): string {
  const url = URL.parse(target.repository);
  const repository = url ? `${url.protocol}//${url.host}${url.pathname}` : target.repository;
  return `${repository.replace(/\/+$/, '').replace(/\.git$/, '')}@${target.ref}`;
}

/**
 * The origin location of a file of a followed repository: `<repository>@<ref>:<path>` (git's
 * own `<rev>:<path>`, after the repository), so an entity's page names the repository it
 * comes from and a problem with the file keeps that file's entities, as for the source's own.
 */
export const followedLocation = (target: Pick<RepositoryTarget, 'repository' | 'ref'>, path: string): string =>
  `${target.repository}@${target.ref}:${path}`;
