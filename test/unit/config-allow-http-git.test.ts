import { describe, expect, it } from '@jest/globals';
import { parseOperatorConfig } from '../../src/config.ts';

describe("the operator's --allow-http-git setting", () => {
  it('when nothing sets it, then git is https only', () => {
    expect(parseOperatorConfig([], {}).allowHttpGit).toBe(false);
  });

  it('when the flag or ALLOW_HTTP_GIT says true, then http remotes are allowed, the flag winning', () => {
    expect(parseOperatorConfig(['--allow-http-git', 'true'], {}).allowHttpGit).toBe(true);
    expect(parseOperatorConfig([], { ALLOW_HTTP_GIT: 'true' }).allowHttpGit).toBe(true);
    expect(parseOperatorConfig(['--allow-http-git=false'], { ALLOW_HTTP_GIT: 'true' }).allowHttpGit).toBe(false);
  });

  it('when it is not a boolean, then the error names the flag', () => {
    expect(() => parseOperatorConfig(['--allow-http-git', 'maybe'], {})).toThrow(/--allow-http-git/);
  });
});
