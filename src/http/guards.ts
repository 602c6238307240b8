import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import ipaddr from 'ipaddr.js';
import { HttpProblem } from './problems.ts';
import { commaSeparated } from '../shared/comma-separated.ts';

/**
 * Which peers may say who the client is with X-Forwarded-For (express's `trust proxy`): none
 * (`false`: the TCP peer is the client), the last N hops, or peers by address, CIDR or
 * express's names. Never "everyone": any client could then pick a fresh address per request
 * and escape the per-client limit.
 */
export type TrustProxy = false | number | string[];

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * Reads `--trust-proxy`: `false` (or empty), a hop count (`1` behind one Ingress controller),
 * or a comma-separated list of addresses, CIDRs and `loopback`/`linklocal`/`uniquelocal`.
 * Returns an error message for anything else, `true` included.
 */
export function parseTrustProxy(text: string): TrustProxy | { error: string } {
  const value = text.trim();
  if (value === '' || value === 'false') return false;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return hops <= 10 ? hops : { error: 'must be at most 10 hops' };
  }
  if (value === 'true') return { error: "true would let any client choose its own address; give the hop count or the proxies' addresses" };
  const entries = commaSeparated(value);
  const bad = entries.filter((e) => !PROXY_NAMES.has(e) && !ipaddr.isValid(e) && !ipaddr.isValidCIDR(e));
  return bad.length > 0 ? { error: `${bad.join(', ')} is not an address, a CIDR or one of ${[...PROXY_NAMES].join(', ')}` } : entries;
}

/** The host name of a Host header, lower case and without its port (`[::1]:8080` is `::1`). */
export function hostName(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const host = header.trim().toLowerCase();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(host);
  if (bracketed) return bracketed[1];
  return host.replace(/:\d*$/, '').replace(/\.$/, '');
}

/**
 * Refuses, with 421, a request whose Host is not one of `allowed` (any port): a page served
 * under a name an attacker controls (DNS rebinding) would share its origin with the
 * attacker's script. The raw Host header is read, not X-Forwarded-Host, which a client sets
 * at will. An empty list allows any host.
 */
export function hostAllowList(allowed: readonly string[]): RequestHandler {
  const names = new Set(allowed.map((h) => hostName(h)).filter((h): h is string => Boolean(h)));
  return (req, _res, next) => {
    const host = hostName(req.headers.host);
    if (names.size === 0 || (host !== undefined && names.has(host))) return next();
    next(new HttpProblem(421, [`host ${host ?? '(none)'} is not served here; use ${[...names].join(' or ')}`]));
  };
}

/** Counts requests being answered, so a burst queues no more work than the process can hold. */
export class InFlightGate {
  private count = 0;
  readonly max: number;
  constructor(max: number) {
    this.max = max;
  }

  get inFlight(): number {
    return this.count;
  }

  /** Takes a place; false when all `max` are taken. */
  tryEnter(): boolean {
    if (this.count >= this.max) return false;
    this.count++;
    return true;
  }

  leave(): void {
    this.count = Math.max(0, this.count - 1);
  }
}

/**
 * Answers 503 with Retry-After while `gate` is full; a place is given back when the response
 * closes — finished or abandoned by the client — so a slow reader holds its place until then.
 */
export function inFlightLimit(gate: InFlightGate): RequestHandler {
  return (_req, res, next) => {
    if (!gate.tryEnter()) {
      res.set('Retry-After', '1');
      return next(new HttpProblem(503, [`${gate.max} requests are being answered; try again in a second`]));
    }
    res.once('close', () => gate.leave());
    next();
  };
}

/**
 * At most `perMinute` requests per client address a minute (express-rate-limit: a maintained
 * fixed-window limiter with standard RateLimit headers and IPv6 subnet keys). The address is
 * express's `req.ip`, so it is the real client's only when `trust proxy` names the proxies in
 * front (see {@link TrustProxy}); otherwise every client behind an Ingress shares one budget.
 */
export function clientRateLimit(perMinute: number): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    // A client sending X-Forwarded-For when no proxy is trusted is expected, not a misconfiguration to print.
    validate: { xForwardedForHeader: false },
    handler: (_req, _res, next) => next(new HttpProblem(429, [`more than ${perMinute} requests a minute from this address; slow down`])),
  });
}
