import { describe, expect, it } from '@jest/globals';
import { DEBIAN_SLAPD, slapdConfig } from '../../src/local-cluster/slapd.ts';

const input = {
  dir: '/tmp/slapd-x',
  suffix: 'dc=example,dc=com',
  rootDn: 'cn=admin,dc=example,dc=com',
  rootPassword: 'pw',
  install: DEBIAN_SLAPD,
};

describe('the harness slapd’s configuration', () => {
  it('when written, then it loads the people-and-groups schemas and an mdb database in its own directory, refusing anonymous reads', () => {
    const lines = slapdConfig(input).split('\n');
    for (const schema of ['core', 'cosine', 'inetorgperson', 'nis']) expect(lines).toContain(`include /etc/ldap/schema/${schema}.schema`);
    expect(lines).toEqual(
      expect.arrayContaining([
        'moduleload back_mdb',
        'database mdb',
        'suffix "dc=example,dc=com"',
        'rootdn "cn=admin,dc=example,dc=com"',
        'directory /tmp/slapd-x/db',
        'pidfile /tmp/slapd-x/slapd.pid',
        'disallow bind_anon',
      ]),
    );
    expect(lines.some((line) => line.startsWith('TLS'))).toBe(false);
  });

  it('when TLS is asked for, then the certificate and key are configured before the database', () => {
    const lines = slapdConfig({ ...input, tls: { cert: '/tmp/slapd-x/slapd.crt', key: '/tmp/slapd-x/slapd.key' } }).split('\n');
    expect(lines.indexOf('TLSCertificateFile /tmp/slapd-x/slapd.crt')).toBeGreaterThan(-1);
    const key = lines.indexOf('TLSCertificateKeyFile /tmp/slapd-x/slapd.key');
    expect(key).toBeGreaterThan(-1);
    expect(key).toBeLessThan(lines.indexOf('database mdb'));
  });
});
