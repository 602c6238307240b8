import { describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import { AccessReviews, type AccessQuestion, type Subject } from '../../src/access/reviews.ts';
import type { PresentNamespaces } from '../../src/access/present.ts';
import { visibilityFor } from '../../src/access/visible-namespaces.ts';
import { createLogger } from '../../src/observability/logger.ts';

const silent = createLogger('silent', new Writable({ write: (_c, _e, done) => done() }));
const alice: Subject = { username: 'alice', groups: ['team-a'] };

// Components in two namespaces, templates in one: alice may list components cluster-wide
// only when `clusterWide` says so, and otherwise in team-a; templates in team-a.
function apiserver() {
  const sent: string[] = [];
  const state = { clusterWide: false };
  const send = async (_s: Subject, q: AccessQuestion): Promise<boolean> => {
    sent.push(`${q.resource}@${q.namespace || '*'}`);
    if (q.namespace === '') return q.resource === 'components' && state.clusterWide;
    return q.namespace === 'team-a';
  };
  return { sent, state, send };
}
const present: PresentNamespaces = new Map([
  ['components', new Set(['team-a', 'team-b'])],
  ['templates', new Set(['team-a'])],
]);

describe('visibilityFor', () => {
  it('when a person reads again with every answer cached, then the same visibility comes from the cache and no review is sent', async () => {
    const api = apiserver();
    const reviews = new AccessReviews({ send: api.send, logger: silent });
    const first = await visibilityFor(reviews, alice, present);
    expect(api.sent.sort()).toEqual(['components@*', 'components@team-a', 'components@team-b', 'templates@team-a']);
    // A new person object for the same person, as the next request brings.
    const again = await visibilityFor(reviews, { username: 'alice', groups: ['team-a'] }, present);
    expect(api.sent).toHaveLength(4);
    for (const v of [first, again]) {
      expect([v.sees('components', 'team-a'), v.sees('components', 'team-b'), v.sees('templates', 'team-a'), v.everything]).toEqual([
        true,
        false,
        true,
        false,
      ]);
    }
    expect(again.signature).toBe(first.signature);
  });

  it('when a cluster-wide grant is cached, then the namespaces of that resource are not asked about', async () => {
    const api = apiserver();
    api.state.clusterWide = true;
    const reviews = new AccessReviews({ send: api.send, logger: silent });
    await visibilityFor(reviews, alice, present);
    const v = await visibilityFor(reviews, alice, present);
    expect(api.sent.sort()).toEqual(['components@*', 'templates@team-a']);
    expect([v.sees('components', 'team-b'), v.sees('templates', 'team-a'), v.sees('templates', 'team-b')]).toEqual([true, true, false]);
  });

  it('when only some answers are cached (a namespace appeared), then the missing ones are asked and the rest reused', async () => {
    const api = apiserver();
    const reviews = new AccessReviews({ send: api.send, logger: silent });
    await visibilityFor(reviews, alice, present);
    const grown: PresentNamespaces = new Map([...present, ['templates', new Set(['team-a', 'team-c'])]]);
    const v = await visibilityFor(reviews, alice, grown);
    expect(api.sent.slice(4).sort()).toEqual(['templates@*', 'templates@team-c']);
    expect([v.sees('templates', 'team-a'), v.sees('templates', 'team-c')]).toEqual([true, false]);
  });
});
