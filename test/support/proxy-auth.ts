import { DEFAULT_PROXY_HEADERS } from '../../src/http/auth/proxy.ts';
import type { AuthSettings } from '../../src/http/auth/settings.ts';
import { parseTrustedPeers, type TrustedPeers } from '../../src/http/auth/trusted-peers.ts';

/**
 * `--auth proxy` trusting loopback, with `proxy:` before every user and group name: what a
 * test's requests with X-Forwarded-User / X-Forwarded-Groups headers sign in as.
 */
export const LOOPBACK_PROXY_AUTH: AuthSettings = {
  mode: 'proxy',
  cookies: { secret: 'x'.repeat(32), secure: false, sessionMaxAgeSeconds: 3600 },
  proxy: {
    trustedPeers: parseTrustedPeers('loopback') as TrustedPeers,
    ...DEFAULT_PROXY_HEADERS,
    usernamePrefix: 'proxy:',
    groupsPrefix: 'proxy:',
  },
};
