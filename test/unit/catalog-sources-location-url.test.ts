import { describe, expect, it } from '@jest/globals';
import {
  checkoutKey,
  followDecision,
  followedLocation,
  parseLocationUrl,
  type FollowPolicy,
} from '../../src/catalog-sources/git/location-url.ts';

describe("a Location's URL target", () => {
  it('when it is a GitHub blob or tree URL, then it names the project, the ref and the path', () => {
    expect(parseLocationUrl('https://github.com/org/other/blob/main/catalog-info.yaml')).toEqual({
      repository: 'https://github.com/org/other',
      ref: 'main',
      path: 'catalog-info.yaml',
    });
    expect(parseLocationUrl('https://github.com/org/other/tree/v2/services?plain=1#top')).toEqual({
      repository: 'https://github.com/org/other',
      ref: 'v2',
      path: 'services',
    });
  });

  it('when it is a GitLab URL, then the /-/ before blob is not part of the project, subgroups are', () => {
    expect(parseLocationUrl('https://gitlab.example:8443/grp/sub/repo/-/blob/release/teams/*.yaml')).toEqual({
      repository: 'https://gitlab.example:8443/grp/sub/repo',
      ref: 'release',
      path: 'teams/*.yaml',
    });
  });

  it('when it names a repository and no file, then it is its catalog-info.yaml on the default branch', () => {
    expect(parseLocationUrl('https://git.example/org/repo.git')).toEqual({
      repository: 'https://git.example/org/repo.git',
      ref: 'HEAD',
      path: 'catalog-info.yaml',
    });
  });

  it('when the path is encoded, then it is decoded; when it leads out of the repository or the ref looks like an option, then it is refused', () => {
    expect(parseLocationUrl('https://git.example/org/repo.git/blob/main/a%20b/c.yaml')).toMatchObject({ path: 'a b/c.yaml' });
    expect(parseLocationUrl('https://git.example/org/repo/blob/main/%2E%2E%2F..%2Fetc/passwd')).toEqual({
      problem: expect.stringContaining('leads outside the repository'),
    });
    expect(parseLocationUrl('https://git.example/org/repo/blob/main/%2Fetc/passwd')).toEqual({
      problem: expect.stringContaining('absolute path'),
    });
    expect(parseLocationUrl('https://git.example/org/repo/blob/--upload-pack=x/a.yaml')).toEqual({
      problem: expect.stringContaining('is not a branch, tag or commit'),
    });
    expect(parseLocationUrl('https://git.example/org/repo/blob/main/%zz')).toEqual({ problem: expect.stringContaining('percent-encoded') });
    expect(parseLocationUrl('https://git.example/')).toEqual({ problem: 'it names no repository' });
  });
});

describe('which URL targets are followed, and with which credentials', () => {
  const credentials = { username: 'bot', password: 't0ken', allowedHosts: ['git.example', 'mirror.example:8443'], source: 'Secret a/git' };
  const policy: FollowPolicy = { sourceUrl: 'https://git.example/org/platform.git', credentials, allowHttp: false };

  it("when the target is on the source's host and the credentials are bound to it, then it is followed with them", () => {
    expect(followDecision('https://git.example/org/other/blob/main/catalog-info.yaml', policy)).toEqual({
      repository: 'https://git.example/org/other',
      ref: 'main',
      path: 'catalog-info.yaml',
      credentials,
    });
  });

  it('when the target is on another host the Secret is bound to, then it is followed with the credentials', () => {
    expect(followDecision('https://MIRROR.example:8443/org/x.git', policy)).toMatchObject({ credentials });
  });

  it("when the target is on the source's host but the credentials are bound elsewhere, or there are none, then it is fetched anonymously", () => {
    const elsewhere = { ...policy, credentials: { ...credentials, allowedHosts: ['mirror.example:8443'] } };
    expect(followDecision('https://git.example/org/other.git', elsewhere)).not.toHaveProperty('credentials');
    expect(followDecision('https://git.example/org/other.git', { ...policy, credentials: undefined })).toEqual({
      repository: 'https://git.example/org/other.git',
      ref: 'HEAD',
      path: 'catalog-info.yaml',
    });
  });

  it("when the host is neither the source's nor bound to its Secret, then it is refused, even on another port of an allowed host", () => {
    for (const target of ['https://evil.example/org/x.git', 'https://git.example:444/org/x.git', 'https://169.254.169.254/latest/x']) {
      expect(followDecision(target, policy)).toEqual({ problem: expect.stringMatching(/^its host .* is neither the CatalogSource's/) });
    }
  });

  it('when the target has userinfo, is plain http without the opt-in, or is not http at all, then it is refused', () => {
    expect(followDecision('https://bot:stolen@git.example/org/x.git', policy)).toEqual({
      problem: expect.stringContaining('user or password'),
    });
    expect(followDecision('http://git.example/org/x.git', policy)).toEqual({ problem: expect.stringContaining('plain http') });
    expect(followDecision('http://git.example/org/x.git', { ...policy, allowHttp: true })).toMatchObject({ ref: 'HEAD' });
    for (const target of ['file:///etc/passwd', 'ssh://git.example/org/x.git', 'git://git.example/org/x.git'])
      expect(followDecision(target, policy)).toEqual({ problem: expect.stringContaining('not an https:// URL') });
  });

  it('when a target names the same repository and ref in another spelling, then it is the same checkout', () => {
    expect(checkoutKey({ repository: 'https://Git.Example/org/other.git', ref: 'main' })).toBe(
      checkoutKey({ repository: 'https://git.example/org/other/', ref: 'main' }),
    );
    expect(checkoutKey({ repository: 'https://git.example/org/other', ref: 'v2' })).not.toBe(
      checkoutKey({ repository: 'https://git.example/org/other', ref: 'main' }),
    );
    expect(followedLocation({ repository: 'https://git.example/org/other', ref: 'main' }, 'teams/a.yaml')).toBe(
      'https://git.example/org/other@main:teams/a.yaml',
    );
  });
});
