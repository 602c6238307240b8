import { describe, expect, it } from '@jest/globals';
import { scorecardStatus } from '../../src/controllers/scorecard/decide.ts';
import { CONDITION, REASON } from '../../src/controllers/scorecard/reasons.ts';
import { ScoreBook } from '../../src/controllers/scorecard/scores.ts';
import { ignoredNamespaces, inScope } from '../../src/scorecards/select.ts';
import type { ScorecardObject } from '../../src/scorecards/store.ts';
import { NO_FACTS } from '../fixtures/scorecards.ts';
import { component } from '../fixtures/entities.ts';

// Namespace objects stay in their namespace: a Scorecard selects across namespaces only
// from a namespace the platform team listed (--cluster-scorecard-namespaces).
const now = new Date('2026-11-24T10:00:00Z');

const scorecardIn = (namespace: string, namespaces?: string[]): ScorecardObject => ({
  metadata: { name: 'readiness', namespace, uid: `uid-${namespace}`, generation: 1 },
  spec: {
    selector: { kinds: ['Component'], ...(namespaces ? { namespaces } : {}) },
    levels: [{ name: 'bronze' }],
    rules: [{ name: 'owned', level: 'bronze', expression: 'has(self.spec.owner)' }],
  },
});

describe('how far a Scorecard reaches', () => {
  const ours = component('orders', {}, 'tenant');
  const theirs = component('payments', {}, 'victim');

  it("when a Scorecard is in a namespace that is not listed, then it scores only its own namespace's entities, whatever its selector names", async () => {
    const book = new ScoreBook(undefined, ['platform']);
    const sc = scorecardIn('tenant', ['tenant', 'victim']);
    expect([...(await book.scoreEntity(ours, [sc], NO_FACTS, now)).keys()]).toEqual(['tenant/readiness']);
    expect([...(await book.scoreEntity(theirs, [sc], NO_FACTS, now)).keys()]).toEqual([]);
    expect(await new ScoreBook(undefined, ['platform']).rescoreScorecard(sc, [ours, theirs], () => NO_FACTS, now)).toEqual([ours.ref]);
  });

  it('when a Scorecard is in a listed namespace, then it selects in every namespace', async () => {
    const book = new ScoreBook(undefined, ['platform']);
    expect([...(await book.scoreEntity(theirs, [scorecardIn('platform')], NO_FACTS, now)).keys()]).toEqual(['platform/readiness']);
  });

  it('when a selector names other namespaces outside the listed ones, then they are the ignored ones, and none are from a listed namespace', () => {
    expect(ignoredNamespaces('tenant', { namespaces: ['tenant', 'victim', 'kube-system'] }, ['platform'])).toEqual([
      'victim',
      'kube-system',
    ]);
    expect(ignoredNamespaces('platform', { namespaces: ['victim'] }, ['platform'])).toEqual([]);
    expect(ignoredNamespaces('tenant', undefined, [])).toEqual([]);
    expect(inScope('tenant', 'tenant', [])).toBe(true);
    expect(inScope('tenant', 'victim', [])).toBe(false);
  });

  it("when namespaces are ignored, then the Scorecard's status says so with CrossNamespace=False naming the flag and the chart value", () => {
    const summary = { entities: 1, levels: [], rules: [] };
    const status = scorecardStatus(undefined, 1, summary, [], now, undefined, { namespace: 'tenant', ignored: ['victim'] });
    const condition = status.conditions.find((c) => c.type === CONDITION.CrossNamespace);
    expect(condition).toMatchObject({ status: 'False', reason: REASON.OwnNamespaceOnly });
    expect(condition?.message).toMatch(
      /victim ignored.*own namespace tenant.*--cluster-scorecard-namespaces.*scorecards\.clusterNamespaces/,
    );
    expect(
      scorecardStatus(undefined, 1, summary, [], now, undefined, { namespace: 'tenant', ignored: [] }).conditions.map((c) => c.type),
    ).toEqual([CONDITION.Ready]);
  });
});
