import ipaddr from 'ipaddr.js';
import { commaSeparated } from '../../shared/comma-separated.ts';

/** An address range as ipaddr.js parses a CIDR: the network and its prefix length. */
type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** `loopback` stands for both loopback ranges, as a sidecar proxy reaches the pod on either. */
const NAMED_RANGES: Record<string, string[]> = { loopback: ['127.0.0.0/8', '::1/128'] };

/**
 * Reads `--auth-proxy-trusted-addresses`: addresses, CIDRs and `loopback`, comma-separated.
 * Returns the ranges, or an error naming the entries that are none of these. An empty list is
 * an error too: proxy mode with no trusted peer would refuse everyone, which is never meant.
 */
export function parseTrustedPeers(text: string): Range[] | { error: string } {
  const entries = commaSeparated(text);
  if (entries.length === 0) return { error: 'must name at least one address, CIDR or loopback' };
  const ranges: Range[] = [];
  const bad: string[] = [];
  for (const entry of entries.flatMap((e) => NAMED_RANGES[e] ?? [e])) {
    if (ipaddr.isValidCIDR(entry)) ranges.push(ipaddr.parseCIDR(entry));
    else if (ipaddr.isValid(entry)) {
      const address = ipaddr.process(entry);
      ranges.push([address, address.kind() === 'ipv4' ? 32 : 128]);
    } else bad.push(entry);
  }
  return bad.length > 0 ? { error: `${bad.join(', ')} is not an address, a CIDR or loopback` } : ranges;
}

/**
 * Whether the TCP peer is one of `ranges`. The socket's own address, never X-Forwarded-For,
 * which any client writes. IPv4-mapped IPv6 (`::ffff:127.0.0.1`, a dual-stack socket's view of
 * an IPv4 peer) is compared as the IPv4 address it is.
 */
export function isTrustedPeer(peer: string | undefined, ranges: readonly Range[]): boolean {
  if (!peer || !ipaddr.isValid(peer)) return false;
  const address = ipaddr.process(peer);
  return ranges.some(([network, bits]) => network.kind() === address.kind() && address.match(network, bits));
}

export type TrustedPeers = Range[];
