import { describe, expect, it } from '@jest/globals';
import { authScope, credentialHostProblem, hostOf, parseAllowedHosts, remoteProblem } from '../../src/git/git-remote.ts';

describe('which remotes git may use', () => {
  it('when a URL is https, then it is allowed; when it is http, then only by opt-in', () => {
    expect(remoteProblem('https://git.example/a.git', { allowHttp: false })).toBeUndefined();
    expect(remoteProblem('HTTPS://git.example/a.git', { allowHttp: false })).toBeUndefined();
    expect(remoteProblem('http://127.0.0.1:8080/a.git', { allowHttp: false })).toMatch(
      /plain http, which this operator does not allow.*--allow-http-git/,
    );
    expect(remoteProblem('http://127.0.0.1:8080/a.git', { allowHttp: true })).toBeUndefined();
  });

  it('when a URL is file://, a local path, ssh, git:// or ext::, then it is refused naming it, even with http allowed', () => {
    for (const url of [
      'file:///srv/repo.git',
      '/srv/repo.git',
      'git@github.com:a/b.git',
      'ssh://git@host/a.git',
      'git://host/a.git',
      'ext::sh -c touch% /tmp/pwned',
      '-uhttps://x',
      'https://',
    ]) {
      expect(remoteProblem(url, { allowHttp: true })).toContain(url);
    }
  });
});

describe('which hosts a credential may go to', () => {
  const secret = 'Secret team-a/greenroom-git';

  it('when the annotation lists hosts, then they are parsed lower-case, blanks dropped', () => {
    expect(parseAllowedHosts(' Git.Example.com , 127.0.0.1:8080,, ')).toEqual(['git.example.com', '127.0.0.1:8080']);
    expect(parseAllowedHosts(undefined)).toBeUndefined();
  });

  it("when the URL's host[:port] is listed, then the credentials may go there", () => {
    expect(credentialHostProblem('https://git.example.com/team/a.git', ['git.example.com'], secret)).toBeUndefined();
    expect(credentialHostProblem('https://git.example.com:443/team/a.git', ['git.example.com'], secret)).toBeUndefined();
    expect(credentialHostProblem('http://127.0.0.1:8080/a.git', ['127.0.0.1:8080'], secret)).toBeUndefined();
    expect(credentialHostProblem('https://user:pw@GIT.example.com/a.git', ['git.example.com'], secret)).toBeUndefined();
  });

  it('when the URL names another host or port, then it is refused naming the host and the Secret', () => {
    expect(credentialHostProblem('https://evil.example/a.git', ['git.example.com'], secret)).toBe(
      'the credentials of Secret team-a/greenroom-git may not be sent to host evil.example (its greenroom.dev/allowed-hosts annotation allows git.example.com); use a repository on an allowed host, or annotate it with greenroom.dev/allowed-hosts: evil.example',
    );
    expect(credentialHostProblem('http://127.0.0.1:9999/a.git', ['127.0.0.1:8080'], secret)).toMatch(
      /may not be sent to host 127\.0\.0\.1:9999/,
    );
    expect(credentialHostProblem('https://git.example.com.evil.example/a.git', ['git.example.com'], secret)).toMatch(
      /host git\.example\.com\.evil\.example/,
    );
  });

  it('when the Secret has no annotation, then its credentials go nowhere, and the message says which annotation to add', () => {
    expect(credentialHostProblem('https://git.example.com/a.git', undefined, secret)).toBe(
      'Secret team-a/greenroom-git has no greenroom.dev/allowed-hosts annotation, so its credentials are sent to no host; to send them to git.example.com, annotate it with greenroom.dev/allowed-hosts: git.example.com',
    );
  });

  it('when the header is scoped, then it is keyed on the repository URL without userinfo, query or fragment', () => {
    expect(authScope('https://bot:pw@git.example.com:8443/team/a.git?x=1#y')).toBe('https://git.example.com:8443/team/a.git');
    expect(hostOf('not a url')).toBe('');
  });
});
