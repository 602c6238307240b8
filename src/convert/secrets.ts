import { toKubernetesName } from './names.ts';

/**
 * The annotation that binds a git Secret to the hosts it may be sent to (issue 9; the git
 * layer defines it, which convert may not import: it is spelled here and checked by a test).
 */
export const ALLOWED_HOSTS = 'greenroom.dev/allowed-hosts';

/** Kubernetes names handed out once each: the second `orders` becomes `orders-2`. */
export class UniqueNames {
  readonly #taken = new Set<string>();

  /** A DNS-1123 name made from `base`, not handed out before. */
  take(base: string): string {
    const name =
      toKubernetesName(base)
        .slice(0, 60)
        .replace(/[-.]+$/, '') || 'source';
    let candidate = name;
    for (let n = 2; this.#taken.has(candidate); n++) candidate = `${name}-${n}`;
    this.#taken.add(candidate);
    return candidate;
  }
}

/** The Secret that holds the credentials for one git host: `git-github-com`. */
export function gitSecretName(host: string): string {
  return toKubernetesName(`git-${host.replaceAll('.', '-').replaceAll(':', '-')}`);
}

/** What the report tells the user to create for a git Secret: its keys and its host binding. */
export function gitSecretNotice(name: string, host: string, credential: string): string {
  return (
    `create Secret ${name} before applying: key username (any non-empty name for a token, e.g. x-access-token; oauth2 on GitLab), ` +
    `key password (${credential}), annotation ${ALLOWED_HOSTS}: ${host}`
  );
}

/**
 * What the report tells the user to create for an LDAP bind Secret: like git's, the
 * credentials go only to the hosts its annotation lists; `ca.crt` is read when present.
 */
export function ldapSecretNotice(name: string, dn: string, credential: string, host: string, ca: boolean): string {
  const caKey = ca ? ', key ca.crt (the CA certificate Backstage read from tls.certs)' : '';
  return `create Secret ${name} before applying: key dn (${dn}), key password (${credential})${caKey}, annotation ${ALLOWED_HOSTS}: ${host}`;
}

/** `${GITHUB_TOKEN}` names where the secret is; anything else is a secret written in the file and is not repeated. */
export function describeSecret(value: string): string {
  const variable = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(value.trim());
  return variable ? `the value of \${${variable[1]}}` : 'the secret written in the app-config (not copied here; rotate it)';
}
