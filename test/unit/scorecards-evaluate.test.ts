import { describe, expect, it } from '@jest/globals';
import type { Entity } from '../../src/catalog/entity.ts';
import { compileRules, selfOf } from '../../src/scorecards/cel.ts';
import { rulesToRun, scoreEntity, summarise } from '../../src/scorecards/evaluate.ts';
import { evaluateTasks } from '../../src/scorecards/rule-runner.ts';
import { factsFor, type WorkloadObject } from '../../src/scorecards/facts.ts';
import { matches } from '../../src/scorecards/select.ts';
import type { Exemption, RuntimeFacts, ScorecardRule, ScorecardSpec } from '../../src/scorecards/types.ts';
import { api, component, resource } from '../fixtures/entities.ts';

const now = new Date('2026-11-24T10:00:00.000Z');

const rules: ScorecardRule[] = [
  { name: 'has-owner', level: 'bronze', expression: 'has(self.spec.owner)', description: 'Nobody owns it' },
  { name: 'production', level: 'bronze', expression: "self.spec.lifecycle == 'production'", description: 'Not in production' },
  {
    name: 'has-docs',
    level: 'silver',
    weight: 2,
    expression: "self.metadata.annotations['backstage.io/techdocs-ref'] != ''",
    description: 'No TechDocs',
    howToFix: 'add the backstage.io/techdocs-ref annotation',
  },
  {
    name: 'provides-api',
    level: 'silver',
    expression: "self.status.relations.exists(r, r.type == 'providesApi')",
    description: 'Provides no API',
  },
  { name: 'replicated', level: 'gold', expression: 'facts.hasWorkload && facts.replicas >= 2', description: 'Runs fewer than 2 replicas' },
  { name: 'pinned-images', level: 'gold', expression: '!facts.latestTag', description: 'Runs a floating image tag' },
  {
    name: 'limits-and-probes',
    level: 'gold',
    expression: 'facts.limitsSet && facts.probesSet',
    description: 'Containers lack limits or probes',
  },
  { name: 'disruption-budget', level: 'gold', expression: 'facts.pdbCovered', description: 'No PodDisruptionBudget' },
];

function scorecard(extra: Partial<ScorecardSpec> = {}): ScorecardSpec {
  return { levels: [{ name: 'bronze' }, { name: 'silver' }, { name: 'gold' }], rules, ...extra };
}

/** A Component that meets every rule of the scorecard above. */
function orders(
  spec: Record<string, unknown> = {},
  annotations: Record<string, string> = { 'backstage.io/techdocs-ref': 'dir:.' },
): Entity {
  return {
    ...component('orders', spec, 'shop'),
    annotations,
    status: { relations: [{ type: 'providesApi', target: 'api:shop/orders' }] },
  };
}

function deployment(image: string, replicas: number): WorkloadObject {
  return {
    kind: 'Deployment',
    metadata: { name: 'orders', namespace: 'shop', labels: { 'greenroom.dev/component': 'orders' } },
    spec: {
      replicas,
      template: {
        metadata: { labels: { app: 'orders' } },
        spec: { containers: [{ image, resources: { limits: { cpu: '1', memory: '1Gi' } }, livenessProbe: {}, readinessProbe: {} }] },
      },
    },
    status: { readyReplicas: replicas },
  };
}

const budget = { metadata: { name: 'orders', namespace: 'shop' }, spec: { selector: { matchLabels: { app: 'orders' } } } };
const healthy = (entity: Entity): RuntimeFacts => factsFor(entity, [deployment('orders:1.4.2', 3)], [budget]);

function score(entity: Entity, facts: RuntimeFacts = healthy(entity), spec: ScorecardSpec = scorecard(), at: Date = now) {
  const { compiled } = compileRules(
    spec.rules,
    spec.levels.map((l) => l.name),
  );
  const [outcomes] = evaluateTasks([{ rules: rulesToRun(spec, compiled), self: selfOf(entity), facts }], at);
  return scoreEntity(spec, outcomes!, entity, at, 'platform/production-readiness');
}

describe('scoring an entity against a scorecard', () => {
  it('when every rule passes, then the entity is gold with a score of 100 and nothing failing', () => {
    const { result, rules: details } = score(orders());
    expect(result).toEqual({
      scorecard: 'platform/production-readiness',
      level: 'gold',
      score: 100,
      failing: [],
      evaluatedAt: '2026-11-24T10:00:00Z',
    });
    expect(details.every((r) => r.passed)).toBe(true);
  });

  it('when the gold rules pass but a silver rule fails, then the entity stays bronze (gold needs silver)', () => {
    const { result } = score(orders({}, {}));
    expect(result.level).toBe('bronze');
  });

  it('when a bronze rule fails, then the entity reaches no level', () => {
    expect(score(orders({ lifecycle: 'experimental' })).result.level).toBe('');
  });

  it('when a weighted rule fails, then the score drops by its weight', () => {
    // 9 weight units in all; has-docs (weight 2) fails: 7 / 9.
    expect(score(orders({}, {})).result.score).toBe(78);
    // provides-api (weight 1) fails: 8 / 9.
    expect(score({ ...orders(), status: { relations: [] } }).result.score).toBe(89);
  });

  it('when rules fail, then failing names each with its description, how to fix it, or the evaluation error', () => {
    const bare = orders({ owner: undefined }, {});
    const facts = factsFor(bare, [deployment('orders:latest', 1)], []);
    const { result } = score(bare, facts);
    expect(result.failing).toEqual([
      { rule: 'has-owner', level: 'bronze', message: 'Nobody owns it' },
      {
        rule: 'has-docs',
        level: 'silver',
        message: 'No such key: backstage.io/techdocs-ref — how to fix: add the backstage.io/techdocs-ref annotation',
      },
      { rule: 'replicated', level: 'gold', message: 'Runs fewer than 2 replicas' },
      { rule: 'pinned-images', level: 'gold', message: 'Runs a floating image tag' },
      { rule: 'disruption-budget', level: 'gold', message: 'No PodDisruptionBudget' },
    ]);
    expect(result.score).toBe(33);
  });

  it('when an entity has no workload, then the runtime rules fail', () => {
    const entity = orders();
    const { result } = score(entity, factsFor(entity, [], []));
    expect(result.failing.map((f) => f.rule)).toEqual(['replicated', 'limits-and-probes', 'disruption-budget']);
    expect(result.level).toBe('silver');
  });

  it('when an active exemption covers a failing rule, then it passes as exempted with the reason', () => {
    const exemptions: Exemption[] = [
      { entity: 'orders', rule: 'has-docs', reason: 'Docs live in Confluence until Q1', expires: '2027-01-01T00:00:00Z' },
    ];
    const { result, rules: details } = score(orders({}, {}), undefined, scorecard({ exemptions }));
    expect(result).toMatchObject({ level: 'gold', score: 100, failing: [] });
    expect(details.find((r) => r.rule === 'has-docs')).toEqual({
      rule: 'has-docs',
      level: 'silver',
      passed: true,
      exempted: true,
      message: 'Docs live in Confluence until Q1',
    });
  });

  it('when an exemption names the entity by a full ref in any case, then it still applies', () => {
    const exemptions: Exemption[] = [{ entity: 'Component:shop/Orders', rule: 'has-docs', reason: 'legacy' }];
    expect(score(orders({}, {}), undefined, scorecard({ exemptions })).result.level).toBe('gold');
  });

  it('when the injected clock passes an exemption expiry, then the rule counts as failing again', () => {
    const exemptions: Exemption[] = [
      { entity: 'component:shop/orders', rule: 'has-docs', reason: 'migrating', expires: '2026-12-01T00:00:00Z' },
    ];
    const spec = scorecard({ exemptions });
    expect(score(orders({}, {}), undefined, spec, new Date('2026-11-30T23:59:59Z')).result.level).toBe('gold');
    expect(score(orders({}, {}), undefined, spec, new Date('2026-12-01T00:00:00Z')).result.level).toBe('bronze');
  });

  it('when an exemption names another rule, another namespace or another entity, then it does not apply', () => {
    const exemptions: Exemption[] = [
      { entity: 'orders', rule: 'provides-api', reason: 'wrong rule' },
      { entity: 'component:staging/orders', rule: 'has-docs', reason: 'wrong namespace' },
      { entity: 'resource:orders', rule: 'has-docs', reason: 'wrong kind' },
    ];
    const { result, rules: details } = score(orders({}, {}), undefined, scorecard({ exemptions }));
    expect(result.level).toBe('bronze');
    expect(details.some((r) => r.exempted && r.rule === 'has-docs')).toBe(false);
  });

  it('when a rule does not compile, then it is skipped: it neither blocks a level nor counts for the score', () => {
    const broken: ScorecardRule = { name: 'broken', level: 'bronze', expression: 'self.spec.owner ==' };
    const spec = scorecard({ rules: [...rules, broken] });
    const { result, rules: details } = score(orders(), undefined, spec);
    expect(result).toMatchObject({ level: 'gold', score: 100 });
    expect(details.map((r) => r.rule)).not.toContain('broken');
  });

  it('when a scorecard has no rules, then the score is 100', () => {
    expect(score(orders(), undefined, scorecard({ rules: [] })).result.score).toBe(100);
  });

  it('when rules walk the workloads one by one, then each workload is visible to CEL', () => {
    const spec = scorecard({
      rules: [
        { name: 'each-replicated', level: 'bronze', expression: "facts.workloads.all(w, w.replicas >= 2 && w.kind == 'Deployment')" },
      ],
    });
    expect(score(orders(), undefined, spec).result.level).toBe('gold');
    const entity = orders();
    expect(score(entity, factsFor(entity, [deployment('orders:1', 1)], []), spec).result.level).toBe('');
  });
});

describe('summarising a scorecard over many entities', () => {
  it('when entities sit at different levels, then the summary counts each level and each rule', () => {
    const results = [score(orders()), score(orders({}, {})), score(orders({ lifecycle: 'experimental' }))];
    const summary = summarise(scorecard().levels, results);
    expect(summary.entities).toBe(3);
    // The "" bucket holds the entity at no level, so the counts add up to the entities.
    expect(summary.levels).toEqual([
      { name: '', count: 1 },
      { name: 'bronze', count: 1 },
      { name: 'silver', count: 0 },
      { name: 'gold', count: 1 },
    ]);
    expect(summary.rules.find((r) => r.name === 'has-docs')).toEqual({ name: 'has-docs', passing: 2, failing: 1, passRate: 2 / 3 });
    expect(summary.rules.map((r) => r.name)).toEqual(rules.map((r) => r.name));
  });
});

describe('selecting the entities a scorecard applies to', () => {
  const labelled = { ...component('orders', {}, 'shop'), labels: { tier: 'critical', team: 'payments' } };

  it('when no selector is given, then every entity is selected', () => {
    expect(matches(undefined, labelled)).toBe(true);
    expect(matches({}, resource('db'))).toBe(true);
  });

  it('when kinds are given in any case, then only those kinds are selected', () => {
    expect(matches({ kinds: ['component'] }, labelled)).toBe(true);
    expect(matches({ kinds: ['COMPONENT', 'api'] }, api('orders-api'))).toBe(true);
    expect(matches({ kinds: ['Component'] }, resource('db'))).toBe(false);
  });

  it('when types and namespaces are given, then spec.type and the namespace must be among them', () => {
    expect(matches({ types: ['service'], namespaces: ['shop'] }, labelled)).toBe(true);
    expect(matches({ types: ['website'] }, labelled)).toBe(false);
    expect(matches({ namespaces: ['default'] }, labelled)).toBe(false);
  });

  it('when a label selector is given, then matchLabels and every In, NotIn, Exists and DoesNotExist must hold', () => {
    expect(matches({ labelSelector: { matchLabels: { tier: 'critical' } } }, labelled)).toBe(true);
    expect(matches({ labelSelector: { matchLabels: { tier: 'low' } } }, labelled)).toBe(false);
    const expressions = (operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist', key: string, values?: string[]) =>
      matches({ labelSelector: { matchExpressions: [{ key, operator, ...(values ? { values } : {}) }] } }, labelled);
    expect(expressions('In', 'team', ['payments', 'search'])).toBe(true);
    expect(expressions('In', 'team', ['search'])).toBe(false);
    expect(expressions('NotIn', 'team', ['search'])).toBe(true);
    expect(expressions('NotIn', 'team', ['payments'])).toBe(false);
    expect(expressions('NotIn', 'region', ['eu'])).toBe(true);
    expect(expressions('Exists', 'tier')).toBe(true);
    expect(expressions('Exists', 'region')).toBe(false);
    expect(expressions('DoesNotExist', 'region')).toBe(true);
    expect(expressions('DoesNotExist', 'tier')).toBe(false);
  });
});
