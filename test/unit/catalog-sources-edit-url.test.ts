import { describe, expect, it } from '@jest/globals';
import { editUrl } from '../../src/shared/edit-url.ts';

describe('the link to edit a catalog file', () => {
  it('when the repository is on github.com, then the link is its blob page at the ref', () => {
    expect(editUrl('https://github.com/acme/shop.git', 'main', 'services/orders/catalog-info.yaml')).toBe(
      'https://github.com/acme/shop/blob/main/services/orders/catalog-info.yaml',
    );
  });

  it('when the repository is on a GitHub Enterprise host, then the link has the same shape on that host', () => {
    expect(editUrl('https://github.acme.example/platform/catalog/', 'release/2', 'catalog-info.yaml')).toBe(
      'https://github.acme.example/platform/catalog/blob/release/2/catalog-info.yaml',
    );
  });

  it('when the repository is on GitLab, then the link goes through /-/blob/, subgroups included', () => {
    expect(editUrl('https://gitlab.com/acme/backend/shop.git', 'main', 'catalog-info.yaml')).toBe(
      'https://gitlab.com/acme/backend/shop/-/blob/main/catalog-info.yaml',
    );
    expect(editUrl('https://gitlab.acme.example:8443/a/b', 'v1', 'x.yaml')).toBe('https://gitlab.acme.example:8443/a/b/-/blob/v1/x.yaml');
  });

  it('when a path holds characters URLs reserve, then each segment is encoded and the slashes kept', () => {
    expect(editUrl('https://github.com/acme/shop', 'main', 'teams/a b#1.yaml')).toBe(
      'https://github.com/acme/shop/blob/main/teams/a%20b%231.yaml',
    );
  });

  it('when the credentials are written in the URL, then they are not in the link', () => {
    expect(editUrl('https://bot:s3cret@github.com/acme/shop.git', 'main', 'catalog-info.yaml')).toBe(
      'https://github.com/acme/shop/blob/main/catalog-info.yaml',
    );
  });

  it('when the host is not a known forge, is plain http or names no project, then there is no link', () => {
    expect(editUrl('https://git.acme.example/acme/shop.git', 'main', 'catalog-info.yaml')).toBeUndefined();
    expect(editUrl('http://github.com/acme/shop', 'main', 'catalog-info.yaml')).toBeUndefined();
    expect(editUrl('https://github.com/acme', 'main', 'catalog-info.yaml')).toBeUndefined();
  });
});
