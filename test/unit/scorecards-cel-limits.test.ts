import { describe, expect, it } from '@jest/globals';
import { compileRules, evaluate, selfOf } from '../../src/scorecards/cel.ts';
import { COST_BUDGET, estimateCost } from '../../src/scorecards/cel-cost.ts';
import { factsFor } from '../../src/scorecards/facts.ts';
import { component } from '../fixtures/entities.ts';

const now = new Date('2026-11-24T10:00:00.000Z');

function run(expression: string, spec: Record<string, unknown>) {
  const { compiled, invalid } = compileRules([{ name: 'r', level: 'bronze', expression }]);
  expect(invalid).toEqual([]);
  const entity = component('orders', spec, 'team-a');
  return evaluate(compiled.get('r')!, { self: selfOf(entity), facts: factsFor(entity, [], []), now });
}

describe('matches() on RE2', () => {
  it.each([
    ["self.spec.description.matches('^[a-z]+$')", 'orders', true],
    ["self.spec.description.matches('^[a-z]+$')", 'Orders', false],
    // CEL's matches() is a search: any substring may match.
    ["self.spec.description.matches('der')", 'orders', true],
    ["self.spec.description.matches('(?i)ORDERS')", 'orders', true],
    ["self.spec.description.matches('^\\\\d{3}-[a-z]+$')", '123-abc', true],
    ['self.spec.description.matches(self.spec.owner)', 'owned by team-a', true],
  ])('when %s runs on "%s", then it yields %s', (expression, description, expected) => {
    expect(run(expression, { description })).toEqual({ passed: expected });
  });

  it('when a catastrophic-backtracking pattern meets a long non-matching text, then it completes with the right answer', () => {
    const description = `${'a'.repeat(5_000)}!`;
    expect(run("self.spec.description.matches('^(a+)+$')", { description })).toEqual({ passed: false });
    expect(run("self.spec.description.matches('^(a|a)*!$')", { description })).toEqual({ passed: true });
  });

  it('when a literal pattern uses a backreference or lookahead, then the rule is invalid with its name and the pattern position', () => {
    const backreference = "self.spec.description.matches('(a)\\\\1')";
    const lookahead = "has(self.spec.owner) && self.spec.owner.matches('^(?=team)')";
    const { compiled, invalid } = compileRules([
      { name: 'backreference', level: 'bronze', expression: backreference },
      { name: 'lookahead', level: 'bronze', expression: lookahead },
      { name: 'fine', level: 'bronze', expression: "self.spec.owner.matches('^team-')" },
    ]);
    expect([...compiled.keys()]).toEqual(['fine']);
    expect(invalid).toEqual([
      { rule: 'backreference', message: expect.stringContaining('invalid escape sequence'), position: backreference.indexOf("'(a)") },
      { rule: 'lookahead', message: expect.stringMatching(/RE2 cannot compile.*\(\?=/), position: lookahead.indexOf("'^(?=") },
    ]);
  });

  it('when a pattern computed at run time is not RE2, then the rule fails with why instead of throwing', () => {
    expect(run('self.spec.description.matches(self.spec.owner)', { description: 'x', owner: '(?<=a)b' })).toEqual({
      passed: false,
      error: expect.stringContaining('RE2 cannot compile'),
    });
  });

  it('when matches() is called on something that is not a string, then the rule is invalid when applied', () => {
    const expression = "facts.replicas.matches('1')";
    const { invalid } = compileRules([{ name: 'r', level: 'bronze', expression }]);
    expect(invalid).toEqual([
      { rule: 'r', message: expect.stringContaining('no matching overload'), position: expression.indexOf('replicas') },
    ]);
  });
});

describe('the static cost estimate', () => {
  it('when comprehensions are nested three deep over unbounded lists, then the rule is rejected at the outer one while the others compile', () => {
    const nested = 'has(self.spec.tags) && self.spec.tags.all(a, self.spec.tags.all(b, self.spec.tags.exists(c, a + b == c)))';
    const { compiled, invalid } = compileRules([
      { name: 'nested', level: 'bronze', expression: nested },
      { name: 'twice', level: 'bronze', expression: 'self.spec.tags.all(a, self.spec.tags.exists(b, a == b))' },
    ]);
    expect([...compiled.keys()]).toEqual(['twice']);
    expect(invalid).toEqual([
      {
        rule: 'nested',
        message: expect.stringContaining(`over the budget of ${COST_BUDGET}`),
        position: nested.indexOf('self.spec.tags.all(a'),
      },
    ]);
  });

  it('when a regex runs inside two nested comprehensions, then the rule is rejected; a regex in one is fine', () => {
    const inTwo = "self.spec.tags.all(a, self.spec.tags.all(b, b.matches('^[a-z0-9-]+$')))";
    const inOne = "self.spec.tags.all(t, t.matches('^[a-z0-9-]+$'))";
    const { compiled, invalid } = compileRules([
      { name: 'in-two', level: 'bronze', expression: inTwo },
      { name: 'in-one', level: 'bronze', expression: inOne },
    ]);
    expect(invalid.map((i) => i.rule)).toEqual(['in-two']);
    expect([...compiled.keys()]).toEqual(['in-one']);
  });

  it('when a comprehension runs over a list literal, then its real length is counted rather than the assumed one', () => {
    const { compiled } = compileRules([
      { name: 'r', level: 'bronze', expression: '[1, 2].all(a, self.spec.tags.all(b, self.spec.tags.exists(c, b == c)))' },
    ]);
    expect(estimateCost(compiled.get('r')!.program.ast).problem).toBeUndefined();
  });

  it('when cel.bind and has() appear, then the estimate terminates and stays small', () => {
    const { compiled, invalid } = compileRules([
      { name: 'r', level: 'bronze', expression: 'cel.bind(o, self.spec.owner, has(self.spec.owner) && o != "")' },
    ]);
    expect(invalid).toEqual([]);
    expect(estimateCost(compiled.get('r')!.program.ast).cost).toBeLessThan(100);
  });
});
