import { randomBytes } from 'node:crypto';
import type { ClaimMapping } from './claims.ts';
import type { AuthMode } from './person.ts';
import type { ProxyAuthSettings } from './proxy.ts';
import type { TrustedPeers } from './trusted-peers.ts';

/** Built-in sign-in at an OpenID Connect provider (`--auth oidc`). */
export interface OidcSettings extends ClaimMapping {
  clientId: string;
  clientSecret: string;
  /** PEM bundle to trust for the issuer (a private CA); the system's CAs when absent. */
  ca?: string;
  scopes: readonly string[];
  /** The dashboard's external URL: the redirect URI is `${externalUrl}/auth/callback`. */
  externalUrl: string;
}

/** What secures cookies whenever someone is signed in: the sealing secret, and whether cookies are Secure. */
export interface CookieSettings {
  /** At least 32 bytes; seals the session and keys the CSRF tokens. */
  secret: string;
  /** Secure cookies: the external URL is https. */
  secure: boolean;
  /** How long a sign-in lasts, in seconds. */
  sessionMaxAgeSeconds: number;
}

export type AuthSettings =
  | { mode: 'none' }
  | { mode: 'proxy'; proxy: ProxyAuthSettings; cookies: CookieSettings }
  | { mode: 'oidc'; oidc: OidcSettings; cookies: CookieSettings };

export const NO_AUTH: AuthSettings = { mode: 'none' };

/**
 * The sign-in flags `authSettingsFrom` reads, as parsed by src/config.ts (OperatorConfig fits
 * it). Named here rather than imported so that http/ does not depend on the flag parser, which
 * sits above it (the parser takes its defaults from http/auth).
 */
export interface AuthFlags {
  auth: AuthMode;
  dashboardUrl?: string | undefined;
  sessionSecretFile?: string | undefined;
  sessionMaxAgeSeconds: number;
  authProxyTrustedAddresses: TrustedPeers;
  authProxyUserHeader: string;
  authProxyGroupsHeader: string;
  authProxyEmailHeader: string;
  authProxyUsernamePrefix: string;
  authProxyGroupsPrefix: string;
  oidcIssuerUrl?: string | undefined;
  oidcClientId?: string | undefined;
  oidcClientSecretFile?: string | undefined;
  oidcCaFile?: string | undefined;
  oidcScopes: readonly string[];
  oidcUsernameClaim: string;
  oidcUsernamePrefix?: string | undefined;
  oidcGroupsClaim: string;
  oidcGroupsPrefix: string;
}

/** iron-session's minimum, and what a 256-bit key needs. */
export const MIN_SECRET_BYTES = 32;

/** Cookies are Secure when the portal is reached over https (by its external URL). */
export function secureCookies(externalUrl: string | undefined): boolean {
  return URL.parse(externalUrl ?? '')?.protocol === 'https:';
}

/** Reads a secret file, trimmed of the newline editors and `kubectl create secret --from-file` leave. */
function secretFrom(readFile: (path: string) => string, path: string, what: string, minBytes = 1): string {
  const value = readFile(path).trim();
  if (Buffer.byteLength(value) < minBytes) throw new Error(`${what} (${path}) must hold at least ${minBytes} bytes`);
  return value;
}

/**
 * The authentication settings from the operator's flags, reading the secret files once at
 * start-up so a missing or short secret fails the process instead of the first sign-in.
 */
export function authSettingsFrom(config: AuthFlags, readFile: (path: string) => string): AuthSettings {
  if (config.auth === 'none') return NO_AUTH;
  const cookies: CookieSettings = {
    // Under proxy a per-process secret is enough for one replica; several need a shared one.
    secret: config.sessionSecretFile
      ? secretFrom(readFile, config.sessionSecretFile, '--session-secret-file', MIN_SECRET_BYTES)
      : randomBytes(MIN_SECRET_BYTES).toString('base64url'),
    secure: secureCookies(config.dashboardUrl),
    sessionMaxAgeSeconds: config.sessionMaxAgeSeconds,
  };
  if (config.auth === 'proxy') {
    return {
      mode: 'proxy',
      cookies,
      proxy: {
        trustedPeers: config.authProxyTrustedAddresses,
        userHeader: config.authProxyUserHeader,
        groupsHeader: config.authProxyGroupsHeader,
        emailHeader: config.authProxyEmailHeader,
        usernamePrefix: config.authProxyUsernamePrefix,
        groupsPrefix: config.authProxyGroupsPrefix,
      },
    };
  }
  // The schema has checked that oidc has its issuer, client, secret files and dashboard URL.
  const issuerUrl = config.oidcIssuerUrl!;
  return {
    mode: 'oidc',
    cookies,
    oidc: {
      issuerUrl,
      clientId: config.oidcClientId!,
      clientSecret: secretFrom(readFile, config.oidcClientSecretFile!, '--oidc-client-secret-file'),
      ...(config.oidcCaFile ? { ca: readFile(config.oidcCaFile) } : {}),
      scopes: config.oidcScopes,
      externalUrl: config.dashboardUrl!.replace(/\/+$/, ''),
      usernameClaim: config.oidcUsernameClaim,
      usernamePrefix: config.oidcUsernamePrefix,
      groupsClaim: config.oidcGroupsClaim,
      groupsPrefix: config.oidcGroupsPrefix,
    },
  };
}
