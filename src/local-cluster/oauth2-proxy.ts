import { randomBytes } from 'node:crypto';
import { ensureOAuth2Proxy } from './binaries.ts';
import { get } from './health.ts';
import { startLocalServer, type LocalServer } from './local-server.ts';
import { freePort } from './ports.ts';

export interface OAuth2ProxyOptions {
  /** The OIDC issuer (e.g. a local Dex's `issuer`). */
  issuer: string;
  /** CA that signed the issuer's certificate (Dex's `caFile`). */
  caFile: string;
  /** Where signed-in requests go, e.g. http://127.0.0.1:8080. */
  upstream: string;
  clientId: string;
  clientSecret: string;
  /**
   * Port to listen on (127.0.0.1). Pick it with freePort() before starting Dex when Dex
   * must know the callback, {@link oauth2ProxyCallback}; a free one otherwise.
   */
  port?: number;
  /** Ready binary; built (or taken from the cache) when absent. */
  binary?: string;
  keepDir?: boolean;
  log?: (line: string) => void;
}

/** A running oauth2-proxy. `stop()` is idempotent and leaves no process behind. */
export interface OAuth2Proxy extends LocalServer {
  /** http://127.0.0.1:PORT — what a person's browser talks to. */
  url: string;
}

/** The redirect URI oauth2-proxy on `port` uses; register it with the OIDC client. */
export function oauth2ProxyCallback(port: number): string {
  return `http://127.0.0.1:${port}/oauth2/callback`;
}

/**
 * oauth2-proxy's flags for one OIDC provider in front of one upstream. Pure, so what the
 * proxy is told can be read without starting it. With `--pass-user-headers` (its default,
 * stated here because the portal's `--auth proxy` depends on it) every upstream request
 * carries X-Forwarded-User (the token's `sub`), X-Forwarded-Email, X-Forwarded-Groups
 * (comma-separated) and X-Forwarded-Preferred-Username, and those headers are stripped
 * from what a client sends (`--skip-auth-strip-headers`, also stated), so a person cannot
 * name someone else. No `--reverse-proxy`: nothing sits in front of it here, so
 * X-Forwarded-For and friends from a client are not believed.
 */
export function oauth2ProxyArgs(input: { issuer: string; caFile: string; upstream: string; clientId: string; port: number }): string[] {
  return [
    '--provider=oidc',
    `--oidc-issuer-url=${input.issuer}`,
    `--provider-ca-file=${input.caFile}`,
    `--client-id=${input.clientId}`,
    `--redirect-url=${oauth2ProxyCallback(input.port)}`,
    '--scope=openid email profile groups',
    '--oidc-groups-claim=groups',
    '--code-challenge-method=S256',
    `--upstream=${input.upstream}`,
    `--http-address=127.0.0.1:${input.port}`,
    // Plain HTTP on loopback; behind TLS a deployment keeps the default (Secure).
    '--cookie-secure=false',
    '--email-domain=*',
    '--pass-user-headers=true',
    '--skip-auth-strip-headers=true',
    // Straight to Dex's login page: one provider, so its button would be a click for nothing.
    '--skip-provider-button=true',
    // oauth2-proxy asks for approval_prompt=force by default, which makes Dex show its
    // "grant access" screen at every sign-in despite skipApprovalScreen.
    '--approval-prompt=auto',
    '--request-logging=true',
  ];
}

/**
 * Starts oauth2-proxy on 127.0.0.1 with a fresh cookie secret and returns once it answers
 * its /ping. On failure the process is stopped and the error carries its log tail.
 */
export async function startOAuth2Proxy(options: OAuth2ProxyOptions): Promise<OAuth2Proxy> {
  const log = options.log ?? (() => undefined);
  const binary = options.binary ?? (await ensureOAuth2Proxy(log));
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  log(`oauth2-proxy starting at ${url}`);
  const server = await startLocalServer({ name: 'oauth2-proxy', keepDir: options.keepDir }, async () => ({
    command: binary,
    args: oauth2ProxyArgs({ ...options, port }),
    // Secrets through the environment oauth2-proxy reads, never argv (a process list).
    env: {
      OAUTH2_PROXY_CLIENT_SECRET: options.clientSecret,
      // 32 random bytes, base64url: oauth2-proxy decodes it to an AES-256 cookie key.
      OAUTH2_PROXY_COOKIE_SECRET: randomBytes(32).toString('base64url'),
    },
    ready: async () => (await get(`${url}/ping`)).status === 200,
  }));
  log(`oauth2-proxy ready at ${url}`);
  return { url, ...server };
}
