import { describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import { AccessReviews, subjectKey, type AccessQuestion, type Subject } from '../../src/access/reviews.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { sumOfMetric } from '../../src/observability/scrape.ts';

const alice: Subject = { username: 'oidc:alice', groups: ['team-a'] };
const list = (resource: string, namespace: string): AccessQuestion => ({ verb: 'list', resource, namespace });

/** A logger whose lines the test can read. */
function captured() {
  const lines: { level: number; msg: string }[] = [];
  const logger = createLogger('info', new Writable({ write: (chunk, _e, done) => (lines.push(JSON.parse(String(chunk))), done()) }));
  return { logger, lines };
}

/** An apiserver stand-in that counts reviews and allows team-a's components in team-a. */
function fakeApiserver() {
  const sent: string[] = [];
  const send = async (subject: Subject, q: AccessQuestion): Promise<boolean> => {
    sent.push(`${subject.username} ${q.verb} ${q.resource} ${q.namespace}`);
    await new Promise((r) => setTimeout(r, 5));
    return subject.groups.includes('team-a') && q.namespace === 'team-a';
  };
  return { sent, send };
}

describe('AccessReviews', () => {
  it('when the same question is asked twice within the TTL, then one review is sent and the second is a cache hit', async () => {
    const api = fakeApiserver();
    const registry = new Registry();
    const reviews = new AccessReviews({ send: api.send, logger: captured().logger, registry });
    expect(await reviews.allowed(alice, list('components', 'team-a'))).toBe(true);
    expect(await reviews.allowed(alice, list('components', 'team-a'))).toBe(true);
    expect(api.sent).toHaveLength(1);
    const text = await registry.metrics();
    expect(sumOfMetric(text, 'greenroom_access_review_lookups_total{result="hit"}')).toBe(1);
    expect(sumOfMetric(text, 'greenroom_access_review_lookups_total{result="miss"}')).toBe(1);
  });

  it('when the TTL has passed, then the question is reviewed again (a new RoleBinding shows)', async () => {
    const api = fakeApiserver();
    const reviews = new AccessReviews({ send: api.send, logger: captured().logger, ttlMs: 30 });
    await reviews.allowed(alice, list('components', 'team-a'));
    await new Promise((r) => setTimeout(r, 60));
    await reviews.allowed(alice, list('components', 'team-a'));
    expect(api.sent).toHaveLength(2);
  });

  it('when an answer is past its renewal point, then it is still given at once and reviewed again behind it, and a revoked grant stops within the TTL', async () => {
    let granted = true;
    let sent = 0;
    const reviews = new AccessReviews({
      send: async () => (sent++, await new Promise((r) => setTimeout(r, 5)), granted),
      logger: captured().logger,
      ttlMs: 200,
      random: () => 0,
    });
    expect(await reviews.allowed(alice, list('components', 'team-a'))).toBe(true);
    await new Promise((r) => setTimeout(r, 120));
    granted = false;
    // Past its renewal point (half the TTL, with random() = 0): the cached yes, and a review in the background that learns the no.
    expect(await reviews.allowed(alice, list('components', 'team-a'))).toBe(true);
    expect(sent).toBe(2);
    await new Promise((r) => setTimeout(r, 20));
    expect(await reviews.allowed(alice, list('components', 'team-a'))).toBe(false);
    expect(sent).toBe(2);
  });

  it('when many answers come due at once, then only a few are renewed at a time, each still answered from the cache', async () => {
    let inFlight = 0;
    let most = 0;
    let sent = 0;
    const send = async () => {
      sent++;
      most = Math.max(most, ++inFlight);
      await new Promise((r) => setTimeout(r, 10));
      inFlight--;
      return true;
    };
    const reviews = new AccessReviews({ send, logger: captured().logger, ttlMs: 1000, maxRenewals: 3, random: () => 0 });
    const namespaces = Array.from({ length: 40 }, (_, i) => `ns-${i}`);
    await Promise.all(namespaces.map((ns) => reviews.allowed(alice, list('components', ns))));
    most = 0;
    await new Promise((r) => setTimeout(r, 600));
    // Every answer is past half its TTL: all are given at once, three renewed behind them.
    expect(await Promise.all(namespaces.map((ns) => reviews.allowed(alice, list('components', ns))))).toEqual(namespaces.map(() => true));
    expect(sent).toBe(40 + 3);
    await new Promise((r) => setTimeout(r, 30));
    // Later requests renew the rest, never more than three at a time.
    await Promise.all(namespaces.map((ns) => reviews.allowed(alice, list('components', ns))));
    expect(sent).toBe(40 + 6);
    expect(most).toBe(3);
  });

  it('when answers were cached together, then their renewals come due spread between half and nine tenths of the TTL, not all at once', async () => {
    let sent = 0;
    // Renewal points drawn in turn at 0, 0.5 and 1 of the window: half, seven tenths and nine tenths of the TTL.
    const draws = [0, 0.5, 1];
    let draw = 0;
    const reviews = new AccessReviews({
      send: async () => (sent++, true),
      logger: captured().logger,
      ttlMs: 1000,
      maxRenewals: 10,
      random: () => draws[draw++ % 3]!,
    });
    const namespaces = Array.from({ length: 9 }, (_, i) => `ns-${i}`);
    const askAll = () => Promise.all(namespaces.map((ns) => reviews.allowed(alice, list('components', ns))));
    await askAll();
    expect(sent).toBe(9);
    await new Promise((r) => setTimeout(r, 600));
    await askAll();
    // At six tenths only the three drawn at half are due.
    expect(sent).toBe(9 + 3);
    await new Promise((r) => setTimeout(r, 200));
    await askAll();
    // At eight tenths the three drawn at seven tenths follow; the last three wait for nine tenths.
    expect(sent).toBe(9 + 6);
  });

  it('when many identical questions arrive at once, then they share one review', async () => {
    const api = fakeApiserver();
    const reviews = new AccessReviews({ send: api.send, logger: captured().logger });
    const answers = await Promise.all(Array.from({ length: 20 }, () => reviews.allowed(alice, list('components', 'team-a'))));
    expect(answers.every(Boolean)).toBe(true);
    expect(api.sent).toHaveLength(1);
  });

  it('when more answers arrive than the cache holds, then the least recently used is dropped and the cache stays bounded', async () => {
    const api = fakeApiserver();
    const reviews = new AccessReviews({ send: api.send, logger: captured().logger, maxEntries: 2 });
    for (const ns of ['a', 'b', 'c']) await reviews.allowed(alice, list('components', ns));
    expect(reviews.size).toBe(2);
    await reviews.allowed(alice, list('components', 'a'));
    expect(api.sent).toHaveLength(4);
  });

  it('when the apiserver cannot answer, then it is a denial, not cached, logged once until reviews answer again', async () => {
    let down = true;
    const { logger, lines } = captured();
    const reviews = new AccessReviews({
      send: async () => {
        if (down) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
        return true;
      },
      logger,
    });
    expect(await reviews.allowed(alice, list('components', 'team-a'))).toBe(false);
    expect(await reviews.allowed(alice, list('apis', 'team-a'))).toBe(false);
    expect(lines.filter((l) => l.level >= 50)).toHaveLength(1);
    down = false;
    expect(await reviews.allowed(alice, list('components', 'team-a'))).toBe(true);
    expect(lines.at(-1)!.msg).toMatch(/answer again/);
  });

  it('when two people differ only in how their names split into groups, then they never share an answer', () => {
    expect(subjectKey({ username: 'u', groups: ['a,b'] })).not.toBe(subjectKey({ username: 'u', groups: ['a', 'b'] }));
    expect(subjectKey({ username: 'u', groups: ['b', 'a'] })).toBe(subjectKey({ username: 'u', groups: ['a', 'b'] }));
  });

  it("when a person has a hundred long group names, then their answers take no more of the bounded cache than anyone else's", () => {
    const many = { username: 'u', groups: Array.from({ length: 100 }, (_, i) => `${'g'.repeat(250)}${i}`) };
    expect(subjectKey(many).length).toBe(subjectKey(alice).length);
  });
});
