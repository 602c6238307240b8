import { describe, expect, it } from '@jest/globals';
import { redactor, redactUrl } from '../../src/git/git-cli.ts';
import type { TemplateSpec } from '../../src/api/objects.ts';
import { secretValues } from '../../src/templates/scaffold-env.ts';

describe('hiding credentials written into URLs', () => {
  it.each([
    ['https://bot:t0ken@git.example.com/x.git', 'https://***@git.example.com/x.git'],
    ['pushed abc to http://bot:t0ken@127.0.0.1:8080/x.git branch main', 'pushed abc to http://***@127.0.0.1:8080/x.git branch main'],
    [
      "fatal: unable to access 'https://t0ken@host/a.git/' and ssh://me:pw@other/b",
      "fatal: unable to access 'https://***@host/a.git/' and ssh://***@other/b",
    ],
  ])('when the text is %j, then the userinfo is hidden wherever the URL stands', (text, redacted) => {
    expect(redactUrl(text)).toBe(redacted);
  });

  it.each([
    'https://git.example.com/x.git',
    'https://git.example.com/people/@me/x.git',
    'write to me@example.com or https://example.com/a',
  ])('when %j has no userinfo, then it is left as it is', (text) => {
    expect(redactUrl(text)).toBe(text);
  });

  it('when a run value is a long run of scheme-like characters with no URL, then it is checked and kept (a backtracking match took seconds per view)', () => {
    const text = 'a.'.repeat(200_000);
    expect(redactUrl(text)).toBe(text);
    expect(redactUrl(`${text} https://bot:t0ken@host/x`)).toBe(`${text} https://***@host/x`);
  });
});

describe('hiding the credentials a run was given', () => {
  const spec: TemplateSpec = {
    type: 'service',
    owner: 'team-platform',
    skeleton: { git: { url: 'https://git.example/skeleton.git', secretRef: { name: 'skeleton-git' } } },
    steps: [
      { name: 'publish', action: 'publish:git', publishGit: { url: 'https://git.example/out.git', secretRef: { name: 'publish-git' } } },
    ],
  };
  // As the operator hands them to an in-process scaffolder, and a Job's env gives them to one.
  const env = {
    GREENROOM_SKELETON_USERNAME: 'bot',
    GREENROOM_SKELETON_PASSWORD: 's3cret-token',
    GREENROOM_STEP_0_USERNAME: 'bot',
    GREENROOM_STEP_0_PASSWORD: 'x',
  };

  it('when the output quotes a password or a URL with userinfo, then each is hidden wherever it stands', () => {
    const redact = redactor(secretValues(spec, env));
    expect(redact('auth s3cret-token failed; retried with s3cret-token at https://bot:pw@git.example/out.git')).toBe(
      'auth *** failed; retried with *** at https://***@git.example/out.git',
    );
  });

  it('when a password is shorter than 4 characters, then it is not starred out of every word (the scaffolder does the same)', () => {
    expect(redactor(secretValues(spec, env))('exit code 0 after 2 retries')).toBe('exit code 0 after 2 retries');
  });

  it('when a secret is empty, then the text is left as it is', () => {
    expect(redactor(['', 'tok3n'])('an empty tok3n')).toBe('an empty ***');
  });
});
