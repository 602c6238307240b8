import { describe, expect, it } from '@jest/globals';
import type { Entity } from '../../src/catalog/entity.ts';
import { compileRules, evaluate, selfOf, type CompiledRule } from '../../src/scorecards/cel.ts';
import { factsFor } from '../../src/scorecards/facts.ts';
import type { RuntimeFacts, ScorecardRule } from '../../src/scorecards/types.ts';
import { component } from '../fixtures/entities.ts';

const now = new Date('2026-11-24T10:00:00.000Z');

function rule(name: string, expression: string, level = 'bronze'): ScorecardRule {
  return { name, expression, level };
}

function orders(): Entity {
  return {
    ...component('orders', { tags: ['java', 'payments'], replicas: 3 }, 'team-a'),
    labels: { tier: 'critical' },
    annotations: { 'backstage.io/techdocs-ref': 'dir:.', 'greenroom.dev/reviewed-at': '2026-11-01T00:00:00Z' },
    status: {
      relations: [
        { type: 'providesApi', target: 'api:team-a/orders' },
        { type: 'ownedBy', target: 'group:team-a/team-a' },
      ],
    },
  };
}

const deployed: RuntimeFacts = {
  ...factsFor(orders(), [], []),
  hasWorkload: true,
  replicas: 3,
  readyReplicas: 3,
  images: ['registry.example.com/orders:1.4.2'],
};

function compiledOne(expression: string): CompiledRule {
  const { compiled, invalid } = compileRules([rule('r', expression)]);
  expect(invalid).toEqual([]);
  const found = compiled.get('r');
  if (!found) throw new Error('not compiled');
  return found;
}

function run(expression: string, entity: Entity = orders(), facts: RuntimeFacts = deployed, at: Date = now) {
  return evaluate(compiledOne(expression), { self: selfOf(entity), facts, now: at });
}

describe('compiling and evaluating CEL rules', () => {
  it.each([
    ['has(self.spec.owner)'],
    ["self.spec.lifecycle == 'production'"],
    ["self.status.relations.exists(r, r.type == 'providesApi')"],
    ["self.metadata.annotations['backstage.io/techdocs-ref'] != ''"],
    ["self.apiVersion == 'greenroom.dev/v1alpha1' && self.kind == 'Component' && self.metadata.namespace == 'team-a'"],
    ["self.metadata.labels.tier in ['critical', 'high']"],
    ["self.spec.tags.all(t, t.size() > 2) && self.spec.tags.exists_one(t, t.startsWith('pay'))"],
    ["self.spec.tags.filter(t, t.endsWith('a')).map(t, t + '!') == ['java!']"],
    ["self.metadata.name.matches('^[a-z]+$') && self.metadata.name.contains('rde') && size(self.metadata.name) == 6"],
    ['self.spec.replicas + 1 == 4'],
    ['facts.hasWorkload && facts.replicas >= 2'],
    ['!facts.latestTag'],
    ["facts.images.all(i, i.startsWith('registry.example.com/'))"],
    ["timestamp(self.metadata.annotations['greenroom.dev/reviewed-at']) > now - duration('720h')"],
  ])('when a Component meets %s, then the rule passes', (expression) => {
    expect(run(expression)).toEqual({ passed: true });
  });

  it('when the entity lacks what a rule asks for, then the rule fails without an error', () => {
    const bare = component('bare', { owner: undefined, lifecycle: 'experimental' });
    expect(run('has(self.spec.owner)', bare)).toEqual({ passed: false });
    expect(run("self.spec.lifecycle == 'production'", bare)).toEqual({ passed: false });
    expect(run("self.status.relations.exists(r, r.type == 'providesApi')", bare)).toEqual({ passed: false });
    expect(run('facts.hasWorkload && facts.replicas >= 2', bare, factsFor(bare, [], []))).toEqual({ passed: false });
  });

  it('when the injected clock moves past a time-based rule, then the rule starts failing', () => {
    const expression = "timestamp(self.metadata.annotations['greenroom.dev/reviewed-at']) > now - duration('720h')";
    expect(run(expression, orders(), deployed, new Date('2026-11-30T00:00:00Z')).passed).toBe(true);
    expect(run(expression, orders(), deployed, new Date('2026-12-02T00:00:00Z')).passed).toBe(false);
  });

  it('when one expression does not parse, then it is reported with its rule and position while the others still evaluate', () => {
    const broken = "self.spec.lifecycle == 'production' &&& true";
    const { compiled, invalid } = compileRules([
      rule('has-owner', 'has(self.spec.owner)'),
      rule('broken', broken),
      rule('has-docs', "self.metadata.annotations['backstage.io/techdocs-ref'] != ''"),
    ]);
    expect(invalid).toEqual([{ rule: 'broken', message: expect.stringContaining('&'), position: broken.indexOf('&&&') + 2 }]);
    expect([...compiled.keys()]).toEqual(['has-owner', 'has-docs']);
    for (const ok of compiled.values()) expect(evaluate(ok, { self: selfOf(orders()), facts: deployed, now }).passed).toBe(true);
  });

  it('when a parse error is on a later line, then its position is the character offset in the whole expression', () => {
    const expression = 'has(self.spec.owner) &&\n  self.spec.tags.exists(t, t ==)';
    const { invalid } = compileRules([rule('multi', expression)]);
    expect(invalid[0]?.position).toBe(expression.lastIndexOf(')'));
  });

  it('when an expression names an unknown fact or yields no boolean, then it is invalid when the scorecard is applied', () => {
    const { invalid } = compileRules([
      rule('typo', 'facts.replica >= 2'),
      rule('count', 'facts.replicas + 1'),
      rule('undeclared', 'entity.spec.owner != ""'),
    ]);
    expect(invalid).toEqual([
      { rule: 'typo', message: 'No such key: replica', position: 6 },
      { rule: 'count', message: 'the expression yields int; a rule must yield a bool' },
      { rule: 'undeclared', message: 'Unknown variable: entity', position: 0 },
    ]);
  });

  it('when two rules share a name or a rule names an unknown level, then those are invalid', () => {
    const { compiled, invalid } = compileRules(
      [rule('a', 'true'), rule('a', 'false'), rule('b', 'true', 'platinum')],
      ['bronze', 'silver'],
    );
    expect([...compiled.keys()]).toEqual(['a']);
    expect(invalid.map((i) => i.rule)).toEqual(['a', 'b']);
    expect(invalid[1]?.message).toBe("level platinum is not one of the scorecard's levels (bronze, silver)");
  });

  it('when an expression fails at run time, then the rule fails with the error as message instead of throwing', () => {
    const noDocs = { ...orders(), annotations: {} };
    expect(run("self.metadata.annotations['backstage.io/techdocs-ref'] != ''", noDocs)).toEqual({
      passed: false,
      error: 'No such key: backstage.io/techdocs-ref',
    });
    expect(run('timestamp(self.spec.owner) > now').error).toMatch(/timestamp/);
    expect(run('self.spec.owner.startsWith(1)').error).toMatch(/no matching overload/);
  });

  it('when an expression yields something other than a boolean at run time, then the rule fails saying so', () => {
    expect(run('self.spec.owner')).toEqual({ passed: false, error: 'the expression yielded string "team-a", not a bool' });
    expect(run('self.spec.replicas')).toEqual({ passed: false, error: 'the expression yielded int 3, not a bool' });
  });

  it('when self is built from an entity, then it reads like the custom resource', () => {
    const self = selfOf(component('bare'));
    expect(self).toEqual({
      apiVersion: 'greenroom.dev/v1alpha1',
      kind: 'Component',
      metadata: { name: 'bare', namespace: 'default', labels: {}, annotations: {} },
      spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
      status: { relations: [] },
    });
  });
});
