import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { scorecardStatus } from '../../src/controllers/scorecard/decide.ts';
import { REASON } from '../../src/controllers/scorecard/reasons.ts';
import { ScoreBook } from '../../src/controllers/scorecard/scores.ts';
import { selfOf } from '../../src/scorecards/cel.ts';
import { summarise } from '../../src/scorecards/evaluate.ts';
import type { ScorecardObject } from '../../src/scorecards/store.ts';
import { factsFor } from '../../src/scorecards/facts.ts';
import { RulePool, type StoppedRule } from '../../src/scorecards/rule-pool.ts';
import type { RuleTask } from '../../src/scorecards/rule-runner.ts';
import { component } from '../fixtures/entities.ts';

const now = new Date('2026-11-24T10:00:00.000Z');
// Real worker threads: each loads the CEL library, and a stopped one is replaced by a new
// one, which on a loaded machine takes seconds: more than jest's default 5 s per test.
jest.setTimeout(60_000);
// Within the cost estimate (two nested comprehensions over assumed lists of 100), but over
// 4 000 items it runs 16 million steps: seconds, far past the deadline.
const QUADRATIC = 'self.spec.items.all(a, self.spec.items.all(b, a != b || a == b))';

function task(rules: [string, string][], spec: Record<string, unknown> = {}): RuleTask {
  const entity = component('orders', spec, 'shop');
  return { rules: rules.map(([name, expression]) => ({ name, expression })), self: selfOf(entity), facts: factsFor(entity, [], []) };
}

let pool: RulePool | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

describe('evaluating rules in worker threads', () => {
  it('when a batch of tasks is run, then every rule of every task gets its outcome in order', async () => {
    pool = new RulePool({ size: 2 });
    const outcomes = await pool.run(
      [
        task([
          ['owned', 'has(self.spec.owner)'],
          ['prod', "self.spec.lifecycle == 'production'"],
        ]),
        task(
          [
            ['owned', 'has(self.spec.owner)'],
            ['prod', "self.spec.lifecycle == 'production'"],
          ],
          { owner: undefined, lifecycle: 'experimental' },
        ),
      ],
      now,
    );
    expect(outcomes).toEqual([
      { owned: { passed: true }, prod: { passed: true } },
      { owned: { passed: false }, prod: { passed: false } },
    ]);
  });

  it('when one rule overruns its deadline, then it alone is reported as timed out (and to the operator log) and the other rules and tasks keep their outcomes', async () => {
    const stopped: StoppedRule[] = [];
    pool = new RulePool({ size: 1, ruleTimeoutMs: 200, onStopped: (s) => stopped.push(s) });
    const items = Array.from({ length: 4_000 }, (_, i) => i);
    const outcomes = await pool.run(
      [
        task(
          [
            ['owned', 'has(self.spec.owner)'],
            ['slow', QUADRATIC],
            ['prod', "self.spec.lifecycle == 'production'"],
          ],
          { items },
        ),
        task([['owned', 'has(self.spec.owner)']]),
      ],
      now,
    );
    expect(outcomes).toEqual([
      { owned: { passed: true }, slow: { passed: false, timedOut: true, error: 'the rule timed out' }, prod: { passed: true } },
      { owned: { passed: true } },
    ]);
    expect(stopped).toEqual([{ rule: 'slow', reason: 'it ran past the 200 ms deadline' }]);
    // The pool replaced the stopped worker and keeps working.
    expect(await pool.run([task([['owned', 'has(self.spec.owner)']])], now)).toEqual([{ owned: { passed: true } }]);
  });

  it('when an entity changes between batches, then its rules see the new version, also after the worker had to let go of the old one', async () => {
    pool = new RulePool({ size: 1, heldSelves: 2 });
    const rules: [string, string][] = [['prod', "self.spec.lifecycle == 'production'"]];
    const at = (name: string, version: string, lifecycle: string): RuleTask => {
      const entity = { ...component(name, { lifecycle }, 'shop'), resourceVersion: version };
      return { ...task(rules, { lifecycle }), self: selfOf(entity), entity: { ref: entity.ref, version } };
    };
    expect(await pool.run([at('a', '1', 'production'), at('b', '1', 'production')], now)).toEqual([
      { prod: { passed: true } },
      { prod: { passed: true } },
    ]);
    // Unchanged: held by the worker. Changed: sent again and held at its new version.
    expect(await pool.run([at('a', '1', 'production'), at('b', '2', 'experimental')], now)).toEqual([
      { prod: { passed: true } },
      { prod: { passed: false } },
    ]);
    // A third entity pushes the oldest (a) out; a is then sent again, not looked up.
    expect(await pool.run([at('c', '1', 'experimental'), at('a', '1', 'production'), at('b', '2', 'experimental')], now)).toEqual([
      { prod: { passed: false } },
      { prod: { passed: true } },
      { prod: { passed: false } },
    ]);
  });
});

describe('a rule that times out in the operator', () => {
  it('when a rule overruns on one entity, then it is dropped for every entity and the Scorecard names it with reason RuleTimedOut', async () => {
    pool = new RulePool({ size: 1, ruleTimeoutMs: 200 });
    const book = new ScoreBook(pool);
    const sc: ScorecardObject = {
      metadata: { name: 'readiness', namespace: 'shop', uid: 'uid-sc', generation: 1 },
      spec: {
        levels: [{ name: 'bronze' }],
        rules: [
          { name: 'owned', level: 'bronze', expression: 'has(self.spec.owner)' },
          { name: 'slow', level: 'bronze', expression: QUADRATIC },
        ],
      },
    };
    const big = component('big', { items: Array.from({ length: 4_000 }, (_, i) => i) }, 'shop');
    const small = component('small', { items: [1, 2] }, 'shop');
    const facts = () => factsFor(small, [], []);
    await book.rescoreScorecard(sc, [big, small], facts, now);
    expect(book.takeNewTimeouts('shop/readiness')).toBe(true);
    // Scored again, as the reconciler does on a new timeout: no entity is judged by the rule any more.
    await book.rescoreScorecard(sc, [big, small], facts, now);
    expect(book.takeNewTimeouts('shop/readiness')).toBe(false);
    const scores = book.scoresOf('shop/readiness');
    expect(scores.map((s) => s.score.rules.map((r) => r.rule))).toEqual([['owned'], ['owned']]);
    const { rules } = book.compiled(sc);
    const status = scorecardStatus(
      undefined,
      1,
      summarise(
        sc.spec.levels,
        scores.map((s) => s.score),
      ),
      rules.invalid,
      now,
      rules.timedOut,
    );
    expect(status.invalidRules).toEqual([{ rule: 'slow', message: expect.stringContaining('timed out evaluating component:shop/big') }]);
    expect(status.conditions[0]).toMatchObject({
      type: 'Ready',
      status: 'False',
      reason: REASON.RuleTimedOut,
      message: expect.stringContaining('rule slow: timed out'),
    });
  });
});
