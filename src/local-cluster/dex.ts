import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ensureDex, type DexBinaries } from './binaries.ts';
import { generateServingCertificates } from './certificates.ts';
import { get } from './health.ts';
import { startLocalServer, type LocalServer } from './local-server.ts';
import { freePort } from './ports.ts';
import { runToEnd } from './run-to-end.ts';

/** Someone who can sign in to the local Dex with a password. */
export interface DexPerson {
  /** What they type as their login, and the `email` claim (kube's username claim). */
  email: string;
  /** Shown by Dex and sent as the `name` and `preferred_username` claims. */
  username: string;
  password: string;
  /** The `groups` claim, sent when the client asks for the `groups` scope. */
  groups: string[];
}

/** An OAuth client Dex knows from the start (confidential: it has a secret). */
export interface DexClient {
  id: string;
  secret: string;
  /** Exact URIs Dex may send the browser back to after sign-in. */
  redirectURIs: string[];
  name?: string;
}

export interface DexOptions {
  people: DexPerson[];
  clients: DexClient[];
  /** Ready binaries; built (or taken from the cache) when absent. */
  binaries?: DexBinaries;
  /** Keep the directory (config, log, certificates) after stop, for debugging. */
  keepDir?: boolean;
  log?: (line: string) => void;
}

/**
 * A running Dex; its `dir` holds config.yaml (password hashes, client secrets), dex.log
 * and the PKI. `stop()` is idempotent and leaves no process behind.
 */
export interface Dex extends LocalServer {
  /** https://127.0.0.1:PORT/dex — the `iss` of its tokens and the discovery base. */
  issuer: string;
  /** The CA that signed Dex's serving certificate; clients of the issuer must trust it. */
  caFile: string;
}

/**
 * Dex's `sub` is derived from the userID; deriving that from the email keeps a person's
 * subject the same across restarts, so a session or RoleBinding made once stays valid.
 */
export function userIdOf(email: string): string {
  return createHash('sha256').update(email.toLowerCase()).digest('hex').slice(0, 32);
}

/**
 * Dex's configuration: in-memory storage, HTTPS on loopback, the password connector with
 * the given people (and their groups) and the given clients. Pure, so what Dex is told can
 * be read without starting it. The password grant is on (`passwordConnector: local`) so a
 * test can get a token without a browser; the approval screen is skipped, as one trusted
 * client per cluster makes it a click that tells nobody anything.
 */
export function dexConfig(input: {
  issuer: string;
  address: string;
  tls: { cert: string; key: string };
  people: Array<DexPerson & { hash: string }>;
  clients: DexClient[];
}): Record<string, unknown> {
  return {
    issuer: input.issuer,
    storage: { type: 'memory' },
    web: { https: input.address, tlsCert: input.tls.cert, tlsKey: input.tls.key },
    logger: { level: 'info', format: 'text' },
    oauth2: {
      skipApprovalScreen: true,
      responseTypes: ['code'],
      grantTypes: ['authorization_code', 'refresh_token', 'password'],
      passwordConnector: 'local',
    },
    enablePasswordDB: true,
    staticPasswords: input.people.map((person) => ({
      email: person.email,
      hash: person.hash,
      username: person.username,
      preferredUsername: person.username,
      userID: userIdOf(person.email),
      groups: person.groups,
    })),
    staticClients: input.clients.map((client) => ({
      id: client.id,
      secret: client.secret,
      name: client.name ?? client.id,
      redirectURIs: client.redirectURIs,
    })),
  };
}

/** Dex takes only bcrypt hashes; the helper built with it makes them (password on stdin). */
export async function bcryptHash(helper: string, password: string): Promise<string> {
  const result = await runToEnd(helper, [], { input: password });
  if (result.code === 0 && result.stdout.startsWith('$2')) return result.stdout.trim();
  throw new Error(`bcrypt-hash failed (${result.code ?? result.signal}): ${result.stderr.trim()}`);
}

/**
 * Starts Dex on a free loopback port with TLS from a fresh CA and returns once its
 * discovery document answers. On failure the process is stopped and the error carries the
 * tail of Dex's log.
 */
export async function startDex(options: DexOptions): Promise<Dex> {
  const log = options.log ?? (() => undefined);
  const binaries = options.binaries ?? (await ensureDex(log));
  const port = await freePort();
  const issuer = `https://127.0.0.1:${port}/dex`;
  let caFile = '';
  log(`dex starting at ${issuer}`);
  const server = await startLocalServer({ name: 'dex', keepDir: options.keepDir }, async (dir) => {
    const tls = await generateServingCertificates(dir, 'dex');
    caFile = tls.caCert;
    const people = await Promise.all(
      options.people.map(async (person) => ({ ...person, hash: await bcryptHash(binaries.bcryptHash, person.password) })),
    );
    const configPath = join(dir, 'config.yaml');
    const config = dexConfig({ issuer, address: `127.0.0.1:${port}`, tls, people, clients: options.clients });
    // Client secrets and password hashes: readable by us alone.
    await writeFile(configPath, stringify(config), { mode: 0o600 });
    return {
      command: binaries.dex,
      args: ['serve', configPath],
      ready: async () => (await get(`${issuer}/.well-known/openid-configuration`, { ca: tls.caCert })).status === 200,
    };
  });
  log(`dex ready at ${issuer}`);
  return { issuer, caFile, ...server };
}
