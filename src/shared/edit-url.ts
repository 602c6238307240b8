/**
 * Where a person changes a file of a repository on its forge. Only hosts whose page layout
 * is known get a link: github.com and GitHub Enterprise hosts (github.*) show a file at
 * `/blob/<ref>/<path>`, gitlab.com and self-hosted GitLab (gitlab.*) at `/-/blob/<ref>/<path>`;
 * any other host gets none rather than a link that may lead nowhere.
 */
export function editUrl(repository: string, ref: string, path: string): string | undefined {
  const url = URL.parse(repository);
  if (!url || url.protocol !== 'https:') return undefined;
  const host = url.hostname.toLowerCase();
  const forge =
    host === 'github.com' || host.startsWith('github.')
      ? 'blob'
      : host === 'gitlab.com' || host.startsWith('gitlab.')
        ? '-/blob'
        : undefined;
  if (!forge) return undefined;
  const project = url.pathname.replace(/\/+$/, '').replace(/\.git$/, '');
  if (project.split('/').filter(Boolean).length < 2) return undefined;
  const encoded = (text: string) => text.split('/').map(encodeURIComponent).join('/');
  return `https://${url.host}${project}/${forge}/${encoded(ref)}/${encoded(path)}`;
}
