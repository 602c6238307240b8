import { describe, expect, it } from '@jest/globals';
import { editLinks, type PageSource } from '../../src/docs/edit-links.ts';

const page = (docsPath: string, filePath = `docs/${docsPath}`, included = false): PageSource => ({ docsPath, filePath, included });
const github = { repository: 'https://github.com/acme/payments.git', ref: 'release-2', path: 'platform' };

describe("a docs page's edit link", () => {
  // MkDocs' page.edit_url (mkdocs/structure/pages.py); the oracle test compares the fixture's with MkDocs' own.
  it('when mkdocs.yml sets repo_url and edit_uri, then the link is edit_uri and the page path inside docs_dir, joined to repo_url', () => {
    const link = editLinks({ repoUrl: 'https://git.example.com/payments/platform', editUri: 'edit/main/docs' }, github);
    expect(link(page('guide/setup.md'))).toBe('https://git.example.com/payments/platform/edit/main/docs/guide/setup.md');
    expect(editLinks({ editUri: 'https://forge.example.com/p/edit/docs/' }, undefined)(page('a.md'))).toBe(
      'https://forge.example.com/p/edit/docs/a.md',
    );
    // An edit_uri starting at the host's root replaces repo_url's path, as urljoin does.
    expect(editLinks({ repoUrl: 'https://git.example.com/p/q', editUri: '/p/q/-/edit/main/docs/' }, undefined)(page('a.md'))).toBe(
      'https://git.example.com/p/q/-/edit/main/docs/a.md',
    );
  });

  it("when mkdocs.yml sets only repo_url, then MkDocs' default edit_uri for the host is used, and none for other hosts", () => {
    expect(editLinks({ repoUrl: 'https://github.com/acme/tool' }, undefined)(page('index.md'))).toBe(
      'https://github.com/acme/tool/edit/master/docs/index.md',
    );
    expect(editLinks({ repoUrl: 'https://bitbucket.org/acme/tool/' }, undefined)(page('index.md'))).toBe(
      'https://bitbucket.org/acme/tool/src/default/docs/index.md',
    );
    // Another host and no edit_uri: MkDocs makes no link; the DocSource's location still does.
    expect(editLinks({ repoUrl: 'https://git.example.com/acme/tool' }, undefined)(page('index.md'))).toBeUndefined();
    expect(editLinks({ repoUrl: 'https://git.example.com/acme/tool' }, github)(page('index.md'))).toBe(
      'https://github.com/acme/payments/blob/release-2/platform/docs/index.md',
    );
  });

  it('when mkdocs.yml says nothing, then the link is the file on the DocSource branch, on GitHub or GitLab only', () => {
    expect(editLinks({}, github)(page('guide/a b.md'))).toBe(
      'https://github.com/acme/payments/blob/release-2/platform/docs/guide/a%20b.md',
    );
    expect(editLinks({}, { repository: 'https://gitlab.example.com/g/docs', ref: 'main' })(page('x.md', 'x.md'))).toBe(
      'https://gitlab.example.com/g/docs/-/blob/main/x.md',
    );
    expect(editLinks({}, { repository: 'https://git.example.com/acme/tool', ref: 'main' })(page('x.md'))).toBeUndefined();
    expect(editLinks({}, undefined)(page('x.md'))).toBeUndefined();
  });

  it("when a page is an included site's, then the link is its own file's, not the root docs_dir's", () => {
    const link = editLinks({ repoUrl: 'https://github.com/acme/payments', editUri: 'edit/main/docs/' }, github);
    expect(link(page('auth/tokens.md', 'services/auth/docs/tokens.md', true))).toBe(
      'https://github.com/acme/payments/blob/release-2/platform/services/auth/docs/tokens.md',
    );
  });

  it("when edit_uri is empty or would make a script URL, then there is no link: a tenant's mkdocs.yml cannot put one on the page", () => {
    expect(editLinks({ repoUrl: 'https://github.com/acme/tool', editUri: '' }, github)(page('a.md'))).toBeUndefined();
    expect(editLinks({ editUri: 'javascript:alert(document.domain)//' }, undefined)(page('a.md'))).toBeUndefined();
    expect(editLinks({ repoUrl: 'javascript:alert(1)', editUri: 'x/' }, undefined)(page('a.md'))).toBeUndefined();
    expect(
      editLinks({ repoUrl: 'https://github.com/acme/tool', editUri: 'data:text/html,<script>alert(1)</script>' }, undefined)(page('a.md')),
    ).toBeUndefined();
  });
});
