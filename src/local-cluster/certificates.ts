import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Paths of the PKI a local control plane needs; all files live in one directory. */
export interface Certificates {
  caCert: string;
  caKey: string;
  /** kube-apiserver's serving pair, named the way `--cert-dir` expects. */
  servingCert: string;
  servingKey: string;
  /** Client certificate for user `admin` in group `system:masters`. */
  adminCert: string;
  adminKey: string;
  /** Key pair that signs and verifies service-account tokens. */
  serviceAccountKey: string;
  serviceAccountPub: string;
}

async function openssl(dir: string, args: string[]): Promise<void> {
  try {
    await run('openssl', args, { cwd: dir });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`openssl ${args[0]} failed: ${stderr.trim() || String(error)}`);
  }
}

/** Creates an EC P-256 key and a certificate for it signed by the local CA. */
async function issue(dir: string, name: string, subject: string, extensions: string[]): Promise<void> {
  await openssl(dir, ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${name}.key`]);
  await openssl(dir, ['req', '-new', '-key', `${name}.key`, '-subj', subject, '-out', `${name}.csr`]);
  await writeFile(join(dir, `${name}.ext`), extensions.join('\n') + '\n');
  await openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '30',
    '-sha256',
    '-extfile',
    `${name}.ext`,
    '-out',
    `${name}.crt`,
  ]);
}

/** A self-signed CA (ca.crt, ca.key in `dir`) that the certificates below are signed by. */
async function createCa(dir: string): Promise<void> {
  await openssl(dir, ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ca.key']);
  await openssl(dir, [
    'req',
    '-x509',
    '-new',
    '-key',
    'ca.key',
    '-subj',
    '/CN=greenroom-local-ca',
    '-days',
    '30',
    '-sha256',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign,digitalSignature',
    '-out',
    'ca.crt',
  ]);
}

const SERVER_EXTENSIONS = [
  'basicConstraints=CA:FALSE',
  'keyUsage=critical,digitalSignature,keyEncipherment',
  'extendedKeyUsage=serverAuth',
];

/**
 * A client certificate signed by the control plane's CA in `pki` (where
 * {@link generateCertificates} wrote it), as `<name>.crt`/`<name>.key`; `groups` become its
 * organisations. For a node's kubelet (`system:node:<name>` in `system:nodes`), kube-proxy
 * and kube-scheduler, which RBAC's bootstrap roles know by these names.
 */
export async function issueClientCertificate(
  pki: string,
  name: string,
  user: string,
  groups: readonly string[] = [],
): Promise<{ cert: string; key: string }> {
  const subject = `${groups.map((group) => `/O=${group}`).join('')}/CN=${user}`;
  await issue(pki, name, subject, [
    'basicConstraints=CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    'extendedKeyUsage=clientAuth',
  ]);
  return { cert: join(pki, `${name}.crt`), key: join(pki, `${name}.key`) };
}

/** A CA and one server certificate signed by it; clients trust `caCert`. */
export interface ServingCertificates {
  caCert: string;
  cert: string;
  key: string;
}

/**
 * A throw-away CA and a serving certificate for localhost/127.0.0.1 named `name`, for a
 * local HTTPS server such as Dex (kube-apiserver accepts only an https OIDC issuer).
 */
export async function generateServingCertificates(dir: string, name: string): Promise<ServingCertificates> {
  await createCa(dir);
  await issue(dir, name, `/CN=${name}`, [...SERVER_EXTENSIONS, 'subjectAltName=DNS:localhost,IP:127.0.0.1']);
  return { caCert: join(dir, 'ca.crt'), cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
}

/**
 * Generates a throw-away PKI for one control plane: a CA, the apiserver's serving
 * certificate for localhost/127.0.0.1, an admin client certificate and the
 * service-account signing keys. openssl is on every machine we support and keeps this
 * free of hand-written ASN.1.
 */
export async function generateCertificates(dir: string): Promise<Certificates> {
  await createCa(dir);
  await issue(dir, 'apiserver', '/CN=kube-apiserver', [
    ...SERVER_EXTENSIONS,
    'subjectAltName=DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,IP:127.0.0.1,IP:10.0.0.1',
  ]);
  await issue(dir, 'admin', '/O=system:masters/CN=admin', [
    'basicConstraints=CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    'extendedKeyUsage=clientAuth',
  ]);
  await openssl(dir, ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'sa.key']);
  await openssl(dir, ['ec', '-in', 'sa.key', '-pubout', '-out', 'sa.pub']);
  return {
    caCert: join(dir, 'ca.crt'),
    caKey: join(dir, 'ca.key'),
    servingCert: join(dir, 'apiserver.crt'),
    servingKey: join(dir, 'apiserver.key'),
    adminCert: join(dir, 'admin.crt'),
    adminKey: join(dir, 'admin.key'),
    serviceAccountKey: join(dir, 'sa.key'),
    serviceAccountPub: join(dir, 'sa.pub'),
  };
}
