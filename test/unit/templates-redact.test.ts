import { describe, expect, it } from '@jest/globals';
import { redactUrl } from '../../src/templates/git-cli.ts';

describe('hiding credentials written into URLs', () => {
  it.each([
    ['https://bot:t0ken@git.example.com/x.git', 'https://***@git.example.com/x.git'],
    ['pushed abc to http://bot:t0ken@127.0.0.1:8080/x.git branch main', 'pushed abc to http://***@127.0.0.1:8080/x.git branch main'],
    ['fatal: unable to access \'https://t0ken@host/a.git/\' and ssh://me:pw@other/b', 'fatal: unable to access \'https://***@host/a.git/\' and ssh://***@other/b'],
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
});
