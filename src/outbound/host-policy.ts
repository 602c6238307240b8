import ipaddr from 'ipaddr.js';

/**
 * Where the operator may send a request to a URL a tenant wrote: notification webhooks and
 * API definitions fetched from URLs, each under its own flags. The operator's network
 * position (cluster-internal Services, the node, the cloud metadata endpoint) is worth more
 * than a namespace tenant's: without this, such a URL is a blind SSRF.
 */
export interface OutboundPolicy {
  /**
   * Host names (or IP literals) a webhook may name: `hooks.slack.com` exactly,
   * `*.example.com` any name below example.com, `*` any host.
   */
  allowedHosts: readonly string[];
  /**
   * Admit loopback, private (RFC 1918), unique-local and carrier-grade NAT addresses, e.g. a
   * receiver on 127.0.0.1 in tests and demos, or an in-cluster relay.
   */
  allowPrivateAddresses: boolean;
  /**
   * What the policy guards and the flags that set it, for the messages: webhooks by default;
   * API definitions fetched from URLs use the same checks under their own flags.
   */
  names?: PolicyNames;
}

export interface PolicyNames {
  /** Whose allow-list it is: `webhook`, `API definition`. */
  subject: string;
  /** What answers there: `webhook receiver`, `definition server`. */
  endpoint: string;
  allowedHostsFlag: string;
  allowPrivateAddressesFlag: string;
}

const WEBHOOK_NAMES: PolicyNames = {
  subject: 'webhook',
  endpoint: 'webhook receiver',
  allowedHostsFlag: '--webhook-allowed-hosts',
  allowPrivateAddressesFlag: '--webhook-allow-private-addresses',
};

/**
 * Slack's incoming-webhook host: the messages are Slack payloads, so Slack is the one
 * receiver that works without configuration; anything else is an explicit choice.
 */
export const DEFAULT_WEBHOOK_ALLOWED_HOSTS: readonly string[] = ['hooks.slack.com'];

/** Ranges `allowPrivateAddresses` admits. Everything but `unicast` is refused otherwise. */
const PRIVATE_RANGES = new Set(['loopback', 'private', 'uniqueLocal', 'carrierGradeNat']);

/** Why the URL's host may not be sent to, or undefined when the allow-list admits it. */
export function hostRefusal(policy: OutboundPolicy, urlHostname: string): string | undefined {
  const host = normalizeHost(urlHostname);
  const allowed = policy.allowedHosts.some((entry) => {
    const pattern = normalizeHost(entry);
    if (pattern === '*') return true;
    if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1));
    return host === pattern;
  });
  const names = policy.names ?? WEBHOOK_NAMES;
  return allowed ? undefined : `host ${host} is not in the ${names.subject} allow-list (${names.allowedHostsFlag})`;
}

/**
 * Why an address (a resolved one, or the URL's IP literal) may not be connected to, or
 * undefined when it may. Link-local addresses (169.254.0.0/16 and fe80::/10, where cloud
 * metadata endpoints answer), unspecified (0.0.0.0 reaches the host itself), multicast,
 * broadcast and reserved ranges are refused whatever the policy: no webhook receiver lives there.
 * With `name`, the message names the host instead of the address: it reaches the owner,
 * who must not learn what internal names resolve to.
 */
export function addressRefusal(policy: OutboundPolicy, address: string, name?: string): string | undefined {
  if (!ipaddr.isValid(address)) return `${name ?? address} has no valid IP address`;
  // An IPv4-mapped IPv6 address (::ffff:127.0.0.1) is the IPv4 address it carries.
  const range = ipaddr.process(address).range();
  if (range === 'unicast') return undefined;
  const subject = name ? `${name} resolves to a` : `${address} is a`;
  const names = policy.names ?? WEBHOOK_NAMES;
  if (PRIVATE_RANGES.has(range)) {
    return policy.allowPrivateAddresses ? undefined : `${subject} ${range} address (allowed only with ${names.allowPrivateAddressesFlag})`;
  }
  return `${subject} ${range} address, never a ${names.endpoint}`;
}

/** The URL's hostname without IPv6 brackets and a trailing dot, lower-case. */
export function normalizeHost(hostname: string): string {
  return hostname
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');
}
