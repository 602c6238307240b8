import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { generateServingCertificates, type ServingCertificates } from './certificates.ts';
import { startLocalServer, type LocalServer, type ServerLaunch } from './local-server.ts';
import { freePort } from './ports.ts';

const run = promisify(execFile);

/** Where Debian's slapd and ldap-utils (tools/ldap/install-packages.sh) put what we use. */
export interface SlapdInstall {
  slapd: string;
  slapadd: string;
  ldapadd: string;
  ldapmodify: string;
  ldapsearch: string;
  /** Holds the backend modules (back_mdb.so). */
  modulePath: string;
  schemaDir: string;
}

export const DEBIAN_SLAPD: SlapdInstall = {
  slapd: '/usr/sbin/slapd',
  slapadd: '/usr/sbin/slapadd',
  ldapadd: '/usr/bin/ldapadd',
  ldapmodify: '/usr/bin/ldapmodify',
  ldapsearch: '/usr/bin/ldapsearch',
  modulePath: '/usr/lib/ldap',
  schemaDir: '/etc/ldap/schema',
};

export interface SlapdOptions {
  /** The directory's suffix (default dc=example,dc=com); its entry is created at start. */
  suffix?: string;
  /** Also listen on ldaps:// with a certificate from a throw-away CA (`caFile`). */
  tls?: boolean;
  install?: SlapdInstall;
  keepDir?: boolean;
  log?: (line: string) => void;
}

/** A running slapd with an empty directory under `suffix`; `stop()` removes its directory. */
export interface Slapd extends LocalServer {
  /** ldap://127.0.0.1:PORT */
  url: string;
  /** ldaps://127.0.0.1:PORT, when started with `tls`. */
  ldapsUrl?: string;
  /** The CA of the ldaps:// certificate, when started with `tls`. */
  caFile?: string;
  suffix: string;
  /** The directory's administrator (rootdn): may read and write everything. */
  rootDn: string;
  rootPassword: string;
  /** Adds the entries of an LDIF text (ldapadd, as the rootdn). */
  add(ldif: string): Promise<void>;
  /** Applies an LDIF of changes (ldapmodify, as the rootdn: `changetype: modify`, `delete`, …). */
  modify(ldif: string): Promise<void>;
}

/**
 * slapd.conf for one throw-away directory: the mdb backend under `dir`, the schemas an
 * organisation's people and groups use (inetOrgPerson, groupOfNames, posixGroup), one
 * rootdn. Pure, so what slapd is told can be read without starting it. Anonymous reads are
 * refused (`disallow bind_anon` with `require authc`), as in most real directories, so a
 * test that binds wrongly fails rather than reading anonymously.
 */
export function slapdConfig(input: {
  dir: string;
  suffix: string;
  rootDn: string;
  rootPassword: string;
  install: SlapdInstall;
  tls?: { cert: string; key: string };
}): string {
  const schemas = ['core', 'cosine', 'inetorgperson', 'nis'].map((name) => `include ${join(input.install.schemaDir, `${name}.schema`)}`);
  const tls = input.tls ? [`TLSCertificateFile ${input.tls.cert}`, `TLSCertificateKeyFile ${input.tls.key}`] : [];
  return [
    ...schemas,
    `modulepath ${input.install.modulePath}`,
    'moduleload back_mdb',
    `pidfile ${join(input.dir, 'slapd.pid')}`,
    `argsfile ${join(input.dir, 'slapd.args')}`,
    'disallow bind_anon',
    'require authc',
    ...tls,
    'database mdb',
    // The map is sparse: 100 MiB of address space, not of disk.
    'maxsize 104857600',
    `suffix "${input.suffix}"`,
    `rootdn "${input.rootDn}"`,
    `rootpw ${input.rootPassword}`,
    `directory ${join(input.dir, 'db')}`,
    'index objectClass eq',
    '',
  ].join('\n');
}

/** The suffix's own entry (dc=example,dc=com as a dcObject organisation). */
function suffixEntry(suffix: string): string {
  const dc = /^dc=([^,]+)/i.exec(suffix)?.[1] ?? 'example';
  return `dn: ${suffix}\nobjectClass: dcObject\nobjectClass: organization\no: ${dc}\ndc: ${dc}\n`;
}

/** Runs an ldap-utils command as the rootdn; the password goes by file (-y), never argv. */
async function asRoot(command: string, url: string, rootDn: string, passwordFile: string, ldif: string): Promise<void> {
  const child = run(command, ['-x', '-H', url, '-D', rootDn, '-y', passwordFile], { maxBuffer: 16 * 1024 * 1024 });
  child.child.stdin?.end(ldif);
  try {
    await child;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`${command} failed: ${stderr.trim() || (error as Error).message}`);
  }
}

/** Who and where one slapd is, decided before its directory exists. */
interface SlapdPlan {
  install: SlapdInstall;
  suffix: string;
  rootDn: string;
  rootPassword: string;
  url: string;
  ldapsUrl: string | undefined;
}

const passwordFile = (dir: string) => join(dir, 'root.password');

/**
 * Writes slapd.conf, the root password (for ldap-utils' -y) and the database with the
 * suffix entry (slapadd, offline, before slapd opens it) into `dir`; says how to start it.
 */
async function prepare(dir: string, plan: SlapdPlan, tls: ServingCertificates | undefined): Promise<ServerLaunch> {
  const { install, suffix, rootDn, rootPassword, url, ldapsUrl } = plan;
  await mkdir(join(dir, 'db'));
  const configFile = join(dir, 'slapd.conf');
  await writeFile(configFile, slapdConfig({ dir, suffix, rootDn, rootPassword, install, tls }), { mode: 0o600 });
  await writeFile(passwordFile(dir), rootPassword, { mode: 0o600 });
  await writeFile(join(dir, 'base.ldif'), suffixEntry(suffix));
  await run(install.slapadd, ['-f', configFile, '-l', join(dir, 'base.ldif')]);
  const listen = [url, ...(ldapsUrl ? [ldapsUrl] : [])].join(' ');
  const whoami = ['-x', '-H', url, '-D', rootDn, '-y', passwordFile(dir), '-b', suffix, '-s', 'base', '-LLL', 'dn'];
  return {
    command: install.slapd,
    // -d 0: stay in the foreground (the tether needs the process itself), log nothing but errors.
    args: ['-f', configFile, '-h', listen, '-d', '0'],
    ready: async () => (await run(install.ldapsearch, whoami), true),
  };
}

/**
 * Starts a real OpenLDAP slapd (Debian's; tools/ldap/install-packages.sh installs it) on a
 * free loopback port, with its configuration, database and log in a temporary directory,
 * tethered to this process. Returns once an authenticated search of the suffix answers.
 */
export async function startSlapd(options: SlapdOptions = {}): Promise<Slapd> {
  const install = options.install ?? DEBIAN_SLAPD;
  if (!existsSync(install.slapd) || !existsSync(install.ldapadd)) {
    throw new Error(`slapd or ldap-utils not found (${install.slapd}, ${install.ldapadd}): run tools/ldap/install-packages.sh`);
  }
  const suffix = options.suffix ?? 'dc=example,dc=com';
  const plan: SlapdPlan = {
    install,
    suffix,
    rootDn: `cn=admin,${suffix}`,
    rootPassword: randomBytes(12).toString('hex'),
    url: `ldap://127.0.0.1:${await freePort()}`,
    ldapsUrl: options.tls ? `ldaps://127.0.0.1:${await freePort()}` : undefined,
  };
  let caFile: string | undefined;
  const server = await startLocalServer({ name: 'slapd', keepDir: options.keepDir }, async (dir) => {
    const tls = options.tls ? await generateServingCertificates(dir, 'slapd') : undefined;
    caFile = tls?.caCert;
    return prepare(dir, plan, tls);
  });
  const { url, ldapsUrl, rootDn, rootPassword } = plan;
  options.log?.(`slapd ready at ${url}${ldapsUrl ? ` and ${ldapsUrl}` : ''}`);
  const file = passwordFile(server.dir);
  return {
    ...server,
    url,
    ...(ldapsUrl ? { ldapsUrl } : {}),
    ...(caFile ? { caFile } : {}),
    suffix,
    rootDn,
    rootPassword,
    add: (ldif) => asRoot(install.ldapadd, url, rootDn, file, ldif),
    modify: (ldif) => asRoot(install.ldapmodify, url, rootDn, file, ldif),
  };
}
