/**
 * What of an object's annotations may leave the process. Anyone who reaches the read API or
 * the dashboard reads every entity of every namespace, while annotations are written by each
 * namespace's tenants and by tools: some carry credentials (a Slack webhook URL is one), and
 * `kubectl apply` copies the whole object as written into one more annotation.
 *
 * The rule, applied by key and by value, keeps the key (so a reader sees the annotation
 * exists) and replaces the value with {@link REDACTED}:
 * 1. `kubectl.kubernetes.io/last-applied-configuration` — it repeats every annotation;
 * 2. `greenroom.dev/webhook-url` — posting to the URL is all a webhook asks;
 * 3. a key whose name (after the last `/`) has a word that names a credential — split on
 *    `-`, `_`, `.` and camelCase: `secret`, `token`, `password`, `credentials`, `api-key`,
 *    `webhook`, `auth`… (see {@link CREDENTIAL_WORDS}; `author` is not `auth`);
 * 4. any value holding a URL with user information (`https://user:token@host`) or a known
 *    incoming-webhook host, whatever its key.
 * False positives cost a hidden value that `kubectl get` still shows its readers; a miss
 * costs a credential, so the rule leans to hiding.
 */

import { RE2JS } from 're2js';

/** What a redacted value reads as. */
export const REDACTED = '[redacted]';

/** Annotations always redacted, whatever their value. */
export const REDACTED_ANNOTATIONS: ReadonlySet<string> = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  'greenroom.dev/webhook-url',
]);

/** Words (lower case, and adjacent pairs joined: `api-key` is `apikey`) that mark a key as a credential. */
export const CREDENTIAL_WORDS: ReadonlySet<string> = new Set([
  'secret',
  'secrets',
  'token',
  'tokens',
  'password',
  'passwords',
  'passwd',
  'pwd',
  'passphrase',
  'credential',
  'credentials',
  'creds',
  'apikey',
  'privatekey',
  'accesskey',
  'secretkey',
  'signingkey',
  'integrationkey',
  'webhook',
  'webhooks',
  'auth',
  'authorization',
  'bearer',
  'cookie',
  'dsn',
  'sas',
  'connectionstring',
]);

/**
 * A URL with user information (`scheme://user[:password]@`), or a host that takes anonymous
 * webhook posts. Matched with RE2 (re2js): annotation values are written by tenants and
 * checked on every view, and JavaScript's backtracking engine takes time quadratic in a long
 * run of scheme letters with no `://` (40 KB of them took 4 s).
 */
const CREDENTIAL_VALUE = RE2JS.compile(
  '(?i)[a-z][a-z0-9+.-]*://[^\\s/@]+@|hooks\\.slack\\.com|discord(?:app)?\\.com/api/webhooks|webhook\\.office\\.com|chat\\.googleapis\\.com',
);

/** The words of an annotation key's name: `myapp.io/slackWebhook-URL` gives slack, webhook, url. */
function keyWords(key: string): string[] {
  const name = key.slice(key.lastIndexOf('/') + 1);
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** Whether the value of annotation `key` must not be shown (rules 1–4 above). */
export function isSecretAnnotation(key: string, value: string): boolean {
  if (REDACTED_ANNOTATIONS.has(key)) return true;
  const words = keyWords(key);
  const pairs = words.slice(1).map((word, i) => `${words[i]}${word}`);
  if ([...words, ...pairs].some((w) => CREDENTIAL_WORDS.has(w))) return true;
  return CREDENTIAL_VALUE.test(value);
}

/** The annotations as they may be shown: same keys, secret values replaced by {@link REDACTED}. */
export function redactAnnotations(annotations: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(annotations).map(([key, value]) => [key, isSecretAnnotation(key, value) ? REDACTED : value]));
}
