import { describe, expect, it } from '@jest/globals';
import { CatalogGraph } from '../../src/catalog/graph.ts';
import { createApp, type HttpLimits } from '../../src/http/app.ts';
import { InFlightGate, hostName, parseTrustProxy } from '../../src/http/guards.ts';
import { SearchIndex } from '../../src/search/index.ts';
import { queryTerms } from '../../src/search/terms.ts';
import { component } from '../fixtures/entities.ts';
import { rawGet } from '../support/http-get.ts';
import { serving } from '../support/serve.ts';

const serve = serving();

function start(limits: Partial<HttpLimits>, inFlight?: InFlightGate): Promise<string> {
  const graph = new CatalogGraph();
  const search = new SearchIndex();
  for (const e of [component('checkout', { description: 'Takes the money' }, 'shop'), component('omega', {}, 'shop')]) {
    graph.upsert(e);
    search.upsertEntity(e);
  }
  return serve(createApp({ isReady: () => true, graph, search, limits, ...(inFlight ? { inFlight } : {}) }));
}

describe('the Host allow-list', () => {
  it('when a request names a host not on the list, then it is refused 421, and a listed host on any port is served', async () => {
    const base = await start({ allowedHosts: ['portal.example.com'] });
    const rebound = await rawGet(base, '/api/v1/entities', { Host: 'attacker.example' });
    expect(rebound.status).toBe(421);
    expect(JSON.parse(rebound.body).error).toMatch(/attacker\.example is not served here/);
    expect((await rawGet(base, '/catalog', { Host: 'attacker.example' })).status).toBe(421);
    expect((await rawGet(base, '/catalog', { Host: 'Portal.Example.com:8080' })).status).toBe(200);
  });

  it('when the kubelet probes by pod IP, then /healthz and /readyz still answer', async () => {
    const base = await start({ allowedHosts: ['portal.example.com'] });
    expect((await rawGet(base, '/healthz', { Host: '10.244.1.7:8080' })).status).toBe(200);
    expect((await rawGet(base, '/readyz', { Host: '10.244.1.7:8080' })).status).toBe(200);
  });

  it('when X-Forwarded-Host names a listed host, then the real Host still decides', async () => {
    const base = await start({ allowedHosts: ['portal.example.com'], trustProxy: 1 });
    expect((await rawGet(base, '/', { Host: 'attacker.example', 'X-Forwarded-Host': 'portal.example.com' })).status).toBe(421);
  });
});

describe('the per-client rate limit', () => {
  it('when one client sends more requests a minute than the limit, then the next is answered 429 and the probes still answer', async () => {
    const base = await start({ rateLimitPerMinute: 3 });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await rawGet(base, '/api/v1/entities')).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const page = await rawGet(base, '/catalog');
    expect(page.status).toBe(429);
    expect(page.body).toMatch(/Too many requests/);
    expect((await rawGet(base, '/healthz')).status).toBe(200);
  });

  it('when no proxy is trusted, then a client cannot escape the limit by sending a new X-Forwarded-For each time', async () => {
    const base = await start({ rateLimitPerMinute: 2, trustProxy: false });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await rawGet(base, '/api/v1/entities', { 'X-Forwarded-For': `203.0.113.${i}` })).status);
    expect(statuses).toEqual([200, 200, 429]);
  });

  it('when one proxy hop is trusted (an Ingress controller), then clients it forwards are limited each on their own address', async () => {
    const base = await start({ rateLimitPerMinute: 2, trustProxy: 1 });
    // What ingress-nginx sends: the client's own header, then the address it saw.
    const from = (client: string) => rawGet(base, '/api/v1/entities', { 'X-Forwarded-For': `198.51.100.99, ${client}` });
    expect([(await from('203.0.113.1')).status, (await from('203.0.113.1')).status, (await from('203.0.113.1')).status]).toEqual([
      200, 200, 429,
    ]);
    expect((await from('203.0.113.2')).status).toBe(200);
  });

  it('when trust proxy is read from a flag, then "true" is refused and hops, addresses and CIDRs are taken', () => {
    expect(parseTrustProxy('true')).toEqual({ error: expect.stringMatching(/any client/) });
    expect(parseTrustProxy('not-an-ip')).toEqual({ error: expect.stringMatching(/not-an-ip is not an address/) });
    expect(parseTrustProxy('')).toBe(false);
    expect(parseTrustProxy('1')).toBe(1);
    expect(parseTrustProxy('10.0.0.0/8, loopback')).toEqual(['10.0.0.0/8', 'loopback']);
  });
});

describe('the bound on requests in flight', () => {
  it('when as many requests as the bound are being answered, then the next gets 503 with Retry-After, and is served once a place frees', async () => {
    const gate = new InFlightGate(2);
    const base = await start({}, gate);
    expect(gate.tryEnter() && gate.tryEnter()).toBe(true);
    const refused = await rawGet(base, '/api/v1/entities');
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('1');
    expect((await rawGet(base, '/readyz')).status).toBe(200);
    gate.leave();
    expect((await rawGet(base, '/api/v1/entities')).status).toBe(200);
    expect((await rawGet(base, '/nope')).status).toBe(404);
    // Each answered request gave its place back: only the one the test holds is taken.
    expect(gate.inFlight).toBe(1);
  });
});

describe('search query limits', () => {
  it('when a query has more words than the cap, then the words past it are not searched', async () => {
    const base = await start({});
    const filler = Array.from({ length: 8 }, (_, i) => `zq${i}word`).join(' ');
    const past = JSON.parse((await rawGet(base, `/api/v1/search?q=${encodeURIComponent(`${filler} omega`)}`)).body) as { total: number };
    expect(past.total).toBe(0);
    const within = JSON.parse((await rawGet(base, `/api/v1/search?q=${encodeURIComponent('zq0word omega')}`)).body) as { total: number };
    expect(within.total).toBe(1);
  });

  it('when more words than the fuzzy cap could match with a typo, then only the first ones forgive it', async () => {
    const base = await start({});
    const total = async (q: string) =>
      (JSON.parse((await rawGet(base, `/api/v1/search?q=${encodeURIComponent(q)}`)).body) as { total: number }).total;
    expect(await total('chekout')).toBe(1);
    expect(await total('aaaa bbbb cccc chekout')).toBe(0);
  });

  it('when a query is split into terms, then stop words and repeats go and at most eight stay', () => {
    expect(queryTerms('the checkout and THE Checkout service')).toEqual(['checkout', 'service']);
    expect(queryTerms(Array.from({ length: 50 }, (_, i) => `w${i}`).join(' '))).toHaveLength(8);
    expect(queryTerms(`${'a'.repeat(300)} tail`)).toEqual(['a'.repeat(256)]);
  });
});

describe('host names', () => {
  it('when a Host header has a port, brackets or a trailing dot, then its name is compared alone', () => {
    expect(hostName('Portal.Example.com:8080')).toBe('portal.example.com');
    expect(hostName('[::1]:8080')).toBe('::1');
    expect(hostName('portal.example.com.')).toBe('portal.example.com');
    expect(hostName(undefined)).toBeUndefined();
  });
});
