import { describe, expect, it } from '@jest/globals';
import { parseOperatorConfig } from '../../src/config.ts';
import { authSettingsFrom } from '../../src/http/auth/settings.ts';

const files =
  (contents: Record<string, string>) =>
  (path: string): string => {
    const text = contents[path];
    if (text === undefined) throw new Error(`ENOENT: ${path}`);
    return text;
  };

describe("the operator's --auth settings", () => {
  it('when nothing sets --auth, then the portal is anonymous and read-only', () => {
    expect(authSettingsFrom(parseOperatorConfig([], {}), files({}))).toEqual({ mode: 'none' });
  });

  it("when --auth proxy is given, then oauth2-proxy's header names and loopback are the defaults", () => {
    const settings = authSettingsFrom(parseOperatorConfig(['--auth', 'proxy'], {}), files({}));
    expect(settings.mode).toBe('proxy');
    if (settings.mode !== 'proxy') return;
    expect(settings.proxy).toMatchObject({
      userHeader: 'X-Forwarded-User',
      groupsHeader: 'X-Forwarded-Groups',
      emailHeader: 'X-Forwarded-Email',
      usernamePrefix: '',
      groupsPrefix: '',
    });
    expect(settings.proxy.trustedPeers.map(([net, bits]) => `${net.toString()}/${bits}`)).toEqual(['127.0.0.0/8', '::1/128']);
  });

  it('when a trusted address is not one, then the error names the flag', () => {
    expect(() => parseOperatorConfig(['--auth', 'proxy', '--auth-proxy-trusted-addresses', 'everyone'], {})).toThrow(
      /--auth-proxy-trusted-addresses everyone is not an address/,
    );
  });

  it('when --auth oidc lacks its issuer, client, secrets or external URL, then every missing flag is named', () => {
    expect(() => parseOperatorConfig(['--auth', 'oidc'], {})).toThrow(
      /--oidc-issuer-url is needed.*--oidc-client-id is needed.*--oidc-client-secret-file is needed.*--session-secret-file is needed.*--dashboard-url is needed/,
    );
  });

  it('when --auth oidc is complete, then secrets are read from their files and a short session secret fails start-up', () => {
    const argv = [
      '--auth',
      'oidc',
      '--oidc-issuer-url',
      'https://dex.example.com',
      '--oidc-client-id',
      'greenroom',
      '--oidc-client-secret-file',
      '/s/client',
      '--session-secret-file',
      '/s/session',
      '--dashboard-url',
      'https://portal.example.com/',
    ];
    const settings = authSettingsFrom(parseOperatorConfig(argv, {}), files({ '/s/client': 'shh\n', '/s/session': `${'k'.repeat(32)}\n` }));
    expect(settings).toMatchObject({
      mode: 'oidc',
      cookies: { secure: true, sessionMaxAgeSeconds: 28800 },
      oidc: { clientSecret: 'shh', externalUrl: 'https://portal.example.com', usernameClaim: 'sub', groupsClaim: 'groups' },
    });
    expect(() => authSettingsFrom(parseOperatorConfig(argv, {}), files({ '/s/client': 'shh', '/s/session': 'short' }))).toThrow(
      /--session-secret-file \(\/s\/session\) must hold at least 32 bytes/,
    );
  });
});
