import { describe, expect, it } from '@jest/globals';
import { parseAuditLog } from '../../src/local-cluster/audit.ts';
import { authenticationConfiguration } from '../../src/local-cluster/control-plane.ts';
import { dexConfig, userIdOf } from '../../src/local-cluster/dex.ts';
import { oauth2ProxyArgs } from '../../src/local-cluster/oauth2-proxy.ts';

describe('what Dex is told', () => {
  const config = dexConfig({
    issuer: 'https://127.0.0.1:5556/dex',
    address: '127.0.0.1:5556',
    tls: { cert: '/pki/dex.crt', key: '/pki/dex.key' },
    people: [{ email: 'Ada@Example.com', username: 'ada', password: 'plain-password-1', hash: '$2a$10$hash', groups: ['team-a'] }],
    clients: [{ id: 'greenroom', secret: 's', redirectURIs: ['http://127.0.0.1:3000/auth/callback'] }],
  });

  it('keeps people in memory with their groups and never the plain password', () => {
    expect(config.storage).toEqual({ type: 'memory' });
    expect(config.staticPasswords).toEqual([
      expect.objectContaining({ email: 'Ada@Example.com', hash: '$2a$10$hash', username: 'ada', groups: ['team-a'] }),
    ]);
    expect(JSON.stringify(config)).not.toContain('plain-password-1');
  });

  it('gives a person the same subject on every start, whatever the case of their email', () => {
    expect(userIdOf('Ada@Example.com')).toBe(userIdOf('ada@example.com'));
    expect(userIdOf('ada@example.com')).not.toBe(userIdOf('bob@example.com'));
    expect((config.staticPasswords as Array<{ userID: string }>)[0]!.userID).toBe(userIdOf('ada@example.com'));
  });

  it('serves only HTTPS on the given address', () => {
    expect(config.web).toEqual({ https: '127.0.0.1:5556', tlsCert: '/pki/dex.crt', tlsKey: '/pki/dex.key' });
  });
});

describe('what oauth2-proxy is told', () => {
  const args = oauth2ProxyArgs({
    issuer: 'https://127.0.0.1:5556/dex',
    caFile: '/pki/ca.crt',
    upstream: 'http://127.0.0.1:8080/',
    clientId: 'greenroom',
    port: 4180,
  });

  it('passes the person to the upstream and strips the same headers from clients', () => {
    expect(args).toEqual(expect.arrayContaining(['--pass-user-headers=true', '--skip-auth-strip-headers=true']));
  });

  it('does not trust forwarded headers from whoever connects', () => {
    expect(args.some((arg) => arg.startsWith('--reverse-proxy'))).toBe(false);
  });

  it('asks for groups and comes back only to its own callback', () => {
    expect(args).toContain('--scope=openid email profile groups');
    expect(args).toContain('--redirect-url=http://127.0.0.1:4180/oauth2/callback');
  });

  it('keeps secrets out of its arguments', () => {
    expect(args.join(' ')).not.toMatch(/secret/i);
  });
});

describe('what kube-apiserver is told to trust', () => {
  it('prefixes OIDC usernames and groups by default, so a provider cannot name system users', () => {
    const config = authenticationConfiguration(
      { issuer: 'https://127.0.0.1:5556/dex', caFile: '/pki/ca.crt', clientId: 'greenroom' },
      'PEM',
    );
    expect(config.jwt).toEqual([
      {
        issuer: { url: 'https://127.0.0.1:5556/dex', certificateAuthority: 'PEM', audiences: ['greenroom'] },
        claimMappings: { username: { claim: 'email', prefix: 'oidc:' }, groups: { claim: 'groups', prefix: 'oidc:' } },
      },
    ]);
  });

  it('takes other claims and prefixes when asked', () => {
    const config = authenticationConfiguration(
      { issuer: 'https://i', caFile: '', clientId: 'c', usernameClaim: 'sub', usernamePrefix: 'dex#', groupsPrefix: '' },
      'PEM',
    );
    const [jwt] = config.jwt as Array<{ claimMappings: unknown }>;
    expect(jwt!.claimMappings).toEqual({ username: { claim: 'sub', prefix: 'dex#' }, groups: { claim: 'groups', prefix: '' } });
  });
});

describe('reading an audit log', () => {
  it('returns whole events and skips a line still being written', () => {
    const whole = JSON.stringify({
      auditID: 'a1',
      stage: 'ResponseComplete',
      verb: 'create',
      requestURI: '/api/v1/namespaces/x/configmaps',
      user: { username: 'admin' },
      impersonatedUser: { username: 'oidc:ada@example.com' },
    });
    const events = parseAuditLog(`${whole}\n\n{"auditID":"a2","sta`);
    expect(events).toHaveLength(1);
    expect(events[0]!.impersonatedUser?.username).toBe('oidc:ada@example.com');
  });
});
