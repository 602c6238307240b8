import { posix } from 'node:path';
import { editUrl } from '../shared/edit-url.ts';
import { isNavUrl } from './store.ts';

/*
 * "Edit this page": where a reader changes a page's Markdown. TechDocs shows the link
 * (techdocs-core turns on Material's content.action.edit) at MkDocs' page.edit_url, made from
 * mkdocs.yml's repo_url and edit_uri; Backstage fills those from the entity's source location
 * when mkdocs.yml has none. Greenroom does the same with the DocSource's git location.
 */

/** mkdocs.yml's settings for edit links, as written. */
export interface EditSettings {
  repoUrl?: string;
  /** `''` turns edit links off, as in MkDocs. */
  editUri?: string;
}

/** Where the DocSource's files come from: its git URL, ref and directory. */
export interface EditSource {
  repository: string;
  ref: string;
  path?: string;
}

/** MkDocs' edit_uri when mkdocs.yml gives repo_url but no edit_uri (mkdocs/config/config_options.py). */
function defaultEditUri(repoUrl: string): string | undefined {
  const host = URL.parse(repoUrl)?.hostname.toLowerCase() ?? '';
  if (host === 'github.com' || host === 'gitlab.com') return 'edit/master/docs/';
  if (host === 'bitbucket.org') return 'src/default/docs/';
  return undefined;
}

/** A page's place: its path inside docs_dir and in the fetched files; `included` for a monorepo sub-site's page. */
export interface PageSource {
  docsPath: string;
  filePath: string;
  included: boolean;
}

/**
 * How a site's pages get their edit links: MkDocs' rule (edit_uri + the page's path inside
 * docs_dir, joined to repo_url) when mkdocs.yml sets repo_url or edit_uri; else the file on
 * its GitHub or GitLab host from the DocSource's location. Pages of included sites take the
 * location's link, as MkDocs' rule would name the root site's docs_dir for them. Only http(s)
 * links are made: a page's link is a tenant's word and must not be a script URL.
 */
export function editLinks(settings: EditSettings, source: EditSource | undefined): (page: PageSource) => string | undefined {
  const fromLocation = (page: PageSource) =>
    source ? editUrl(source.repository, source.ref, posix.join(source.path ?? '', page.filePath)) : undefined;
  if (settings.editUri === '') return () => undefined;
  const editUri = settings.editUri ?? (settings.repoUrl ? defaultEditUri(settings.repoUrl) : undefined);
  if (editUri === undefined) return fromLocation;
  const prefix = editUri.endsWith('/') ? editUri : `${editUri}/`;
  return (page) => {
    if (page.included) return fromLocation(page);
    const relative = prefix + page.docsPath;
    const repo = settings.repoUrl && !/^[?#]/.test(relative) && !settings.repoUrl.endsWith('/') ? `${settings.repoUrl}/` : settings.repoUrl;
    const url = URL.parse(relative, repo)?.href;
    return url && isNavUrl(url) ? url : undefined;
  };
}
