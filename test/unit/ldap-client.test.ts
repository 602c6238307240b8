import { describe, expect, it } from '@jest/globals';
import { InvalidCredentialsError } from 'ldapts';
import { clientOptions, describeError, toDirectoryEntry } from '../../src/catalog-sources/ldap/provider.ts';

const CA = '-----BEGIN CERTIFICATE-----\nprivate-ca\n-----END CERTIFICATE-----\n';
const bounds = { timeoutMs: 3000, maxEntries: 10 };

describe('the LDAP client’s options and errors', () => {
  it('when the url is ldaps://, then the server is verified against the system CAs plus the given CA, with both timeouts set', () => {
    const options = clientOptions('ldaps://ldap.example.com:636', { ...bounds, tlsCa: CA });
    expect(options).toMatchObject({ timeout: 3000, connectTimeout: 3000, tlsOptions: { rejectUnauthorized: true } });
    const ca = options.tlsOptions?.ca as string[];
    expect(ca).toContain(CA);
    expect(ca.length).toBeGreaterThan(1);
  });

  it('when the url is ldap://, then no TLS options are given (plain text; StartTLS is not attempted)', () => {
    expect(clientOptions('ldap://ldap.example.com', bounds)).not.toHaveProperty('tlsOptions');
  });

  it('when an LDAP result error carries the password in its diagnostic, then the description names the result and masks the password', () => {
    const error = new InvalidCredentialsError('bad password hunter2 for cn=admin');
    expect(describeError(error, 'hunter2')).toBe('invalid credentials (LDAP result 49): bad password *** for cn=admin');
    expect(describeError(new Error('connect ECONNREFUSED'), 'hunter2')).toBe('connect ECONNREFUSED');
  });

  it('when the certificate is not trusted, then Node’s hint to use the system CAs is left out (they are trusted already)', () => {
    const error = new Error(
      'unable to verify the first certificate; if the root CA is installed locally, try running Node.js with --use-system-ca',
    );
    expect(describeError(error, undefined)).toBe('unable to verify the first certificate');
  });

  it('when an entry comes with mixed-case attribute names, single values and buffers, then every attribute is a lower-cased list of strings', () => {
    const entry = toDirectoryEntry({ dn: 'uid=a,dc=x', UID: 'a', Member: ['m1', 'm2'], cn: Buffer.from('Ada') });
    expect(entry).toEqual({ dn: 'uid=a,dc=x', attributes: { uid: ['a'], member: ['m1', 'm2'], cn: ['Ada'] } });
  });
});
