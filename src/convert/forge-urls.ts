/**
 * Backstage names files in git forges by their web URLs (`…/blob/main/catalog-info.yaml`);
 * Greenroom names a repository, a ref and paths inside it. These are the URL shapes of
 * GitHub (and GitHub Enterprise), GitLab, Bitbucket Cloud and Azure DevOps, the forges
 * Backstage's documentation shows locations for.
 */

/** A file or directory of a repository at a ref, as a web URL names it. */
export interface ForgeLocation {
  /** The repository's https URL, without `.git` and without the web path. */
  repository: string;
  host: string;
  /** The repository's last path segment. */
  name: string;
  ref: string;
  /** Path inside the repository, without a leading `/`; '' for the root. */
  path: string;
  /** Whether the URL names a directory (`/tree/`) rather than a file (`/blob/`). */
  directory: boolean;
}

/** `/-/blob/` (GitLab) before `/blob/` (GitHub), so a GitLab URL is not read as GitHub's. */
const SHAPES: { marker: RegExp; directory: boolean | 'by-extension' }[] = [
  { marker: /\/-\/blob\//, directory: false },
  { marker: /\/-\/tree\//, directory: true },
  { marker: /\/blob\//, directory: false },
  { marker: /\/tree\//, directory: true },
  // Bitbucket's /src/<ref>/ names files and directories alike.
  { marker: /\/src\//, directory: 'by-extension' },
];

/**
 * The repository, ref and path a forge web URL names; undefined when it is not one of the
 * shapes above. A ref with a `/` in it cannot be told from the path: the first segment is taken.
 */
export function parseForgeUrl(text: string): ForgeLocation | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  const pathname = decodeURI(url.pathname);
  if (pathname.includes('/_git/')) return azureLocation(url, pathname);
  for (const { marker, directory } of SHAPES) {
    const match = marker.exec(pathname);
    if (!match) continue;
    const repoPath = pathname.slice(0, match.index).replace(/\.git$/, '');
    const [ref, ...rest] = pathname.slice(match.index + match[0].length).split('/');
    if (!ref || repoPath.split('/').filter(Boolean).length < 2) return undefined;
    const path = rest.join('/').replace(/\/$/, '');
    const isDirectory = directory === 'by-extension' ? !/\.[A-Za-z0-9]+$/.test(path) : directory;
    return {
      repository: `${url.protocol}//${url.host}${repoPath}`,
      host: url.host,
      name: repoPath.split('/').filter(Boolean).at(-1)!,
      ref,
      path,
      directory: isDirectory,
    };
  }
  return undefined;
}

/** Azure DevOps: `…/_git/repo?path=/catalog-info.yaml&version=GBmain` (GB a branch, GT a tag; main when absent). */
function azureLocation(url: URL, pathname: string): ForgeLocation | undefined {
  const repoPath = pathname.replace(/\/$/, '');
  const name = repoPath.split('/').at(-1);
  if (!name || name === '_git') return undefined;
  const path = (url.searchParams.get('path') ?? '').replace(/^\/+|\/+$/g, '');
  const version = url.searchParams.get('version');
  return {
    repository: `${url.protocol}//${url.host}${repoPath}`,
    host: url.host,
    name,
    ref: version && /^G[BT]./.test(version) ? version.slice(2) : 'main',
    path,
    directory: !/\.[A-Za-z0-9]+$/.test(path),
  };
}

/**
 * Backstage's RepoUrlPicker value, `github.com?owner=acme&repo=orders` (GitLab may add
 * `group`/`project`), as the https URL Greenroom's publish:git pushes to. The parts may hold
 * `${{ }}` expressions, which stay in place. Undefined when it is not that shape.
 */
export function repoPickerUrl(text: string): string | undefined {
  const match = /^([A-Za-z0-9.-]+(?::[0-9]+)?)\?(.*)$/.exec(text.trim());
  if (!match) return undefined;
  const params = new Map<string, string>();
  for (const pair of match[2]!.split('&')) {
    const at = pair.indexOf('=');
    if (at > 0) params.set(pair.slice(0, at), pair.slice(at + 1));
  }
  const owner = params.get('owner') ?? params.get('group') ?? params.get('workspace');
  const repo = params.get('repo') ?? params.get('project');
  if (!owner || !repo) return undefined;
  return `https://${match[1]}/${owner}/${repo}.git`;
}
