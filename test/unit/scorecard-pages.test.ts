import { describe, expect, it } from '@jest/globals';
import type { Entity } from '../../src/catalog/entity.ts';
import { CatalogGraph } from '../../src/catalog/graph.ts';
import { createApp } from '../../src/http/app.ts';
import { initiativePage } from '../../src/http/ui/initiative-pages.ts';
import { progressChart } from '../../src/http/ui/progress-chart.ts';
import { shareSteps, widthClass } from '../../src/http/ui/scorecard-model.ts';
import { levelBar, scorecardPage, scorecardsPage } from '../../src/http/ui/scorecard-pages.ts';
import { entityScorecards, teamAttention } from '../../src/http/ui/scorecard-sections.ts';
import type { InitiativeObject, ScorecardObject, ScorecardStore } from '../../src/scorecards/store.ts';
import type { ScorecardResult, ScorecardSpec } from '../../src/scorecards/types.ts';
import { component, group } from '../fixtures/entities.ts';
import { serving } from '../support/serve.ts';

const NOW = new Date('2026-03-01T12:00:00Z');
const KEY = 'default/readiness';

function scorecard(spec: Partial<ScorecardSpec> = {}, status: ScorecardObject['status'] = {}, name = 'readiness'): ScorecardObject {
  return {
    metadata: { name, namespace: 'default', uid: `uid-${name}` },
    spec: {
      title: 'Production readiness',
      description: 'What a service needs before it takes traffic.',
      levels: [{ name: 'bronze' }, { name: 'silver', title: 'Silver' }, { name: 'gold', title: 'Gold' }],
      rules: [
        { name: 'has-owner', level: 'bronze', expression: 'has(self.spec.owner)', description: 'Every service has an owner' },
        {
          name: 'production',
          level: 'silver',
          title: 'In production',
          expression: "self.spec.lifecycle == 'production'",
          description: 'Lifecycle is production',
          howToFix: 'Set spec.lifecycle',
        },
        { name: 'replicas', level: 'gold', expression: 'facts.readyReplicas >= 2', weight: 2 },
        { name: 'broken', level: 'gold', expression: 'self.spec.owner ==' },
      ],
      exemptions: [
        { entity: 'orders', rule: 'replicas', reason: 'batch job', expires: '2026-06-01T00:00:00Z' },
        { entity: 'component:default/web', rule: 'replicas', reason: 'old', expires: '2026-01-01T00:00:00Z' },
      ],
      ...spec,
    },
    status: {
      entities: 3,
      levels: [
        { name: 'bronze', count: 1 },
        { name: 'silver', count: 1 },
        { name: 'gold', count: 0 },
      ],
      rules: [
        { name: 'has-owner', passing: 3, failing: 0, passRate: 1 },
        { name: 'production', passing: 1, failing: 2, passRate: 0.333 },
        { name: 'replicas', passing: 2, failing: 1, passRate: 0.667 },
      ],
      invalidRules: [{ rule: 'broken', message: 'Unexpected end of input', position: 18 }],
      conditions: [
        {
          type: 'Ready',
          status: 'False',
          reason: 'InvalidRule',
          message: 'rule broken at position 18',
          lastTransitionTime: '2026-03-01T00:00:00Z',
        },
      ],
      ...status,
    },
  };
}

function scored(e: Entity, level: string, score: number, failing: ScorecardResult['failing'] = []): Entity {
  return { ...e, status: { scorecards: [{ scorecard: KEY, level, score, failing, evaluatedAt: '2026-03-01T11:00:00Z' }] } };
}

const fixFailing = { rule: 'production', level: 'silver', message: 'Lifecycle is production — how to fix: Set spec.lifecycle' };

function initiative(deadline = '2026-03-20T00:00:00Z', status: InitiativeObject['status'] = {}): InitiativeObject {
  return {
    metadata: { name: 'all-silver', namespace: 'default', uid: 'uid-i', creationTimestamp: '2026-02-01T00:00:00Z' },
    spec: { title: 'Everything silver', scorecard: 'readiness', targetLevel: 'silver', deadline },
    status: {
      phase: 'AtRisk',
      progress: { atTarget: 1, total: 3, ratio: 0.333 },
      byOwner: [
        { owner: 'group:default/team-a', atTarget: 1, total: 2 },
        { owner: 'group:default/team-b', atTarget: 0, total: 1 },
      ],
      history: [
        { date: '2026-02-27', ratio: 0 },
        { date: '2026-02-28', ratio: 0.333 },
        { date: '2026-03-01', ratio: 0.333 },
      ],
      ...status,
    },
  };
}

function world(initiatives: InitiativeObject[] = [initiative()]) {
  const graph = new CatalogGraph();
  for (const e of [
    group('team-a', { title: 'Team A' }),
    group('team-b'),
    scored(component('orders', { lifecycle: 'experimental' }), 'bronze', 40, [
      fixFailing,
      { rule: 'replicas', level: 'gold', message: 'replicas does not pass' },
    ]),
    scored(component('web'), 'silver', 60, [{ rule: 'replicas', level: 'gold', message: 'replicas does not pass' }]),
    scored(component('batch', { owner: 'team-b', lifecycle: 'experimental' }), '', 0, [
      { rule: 'has-owner', level: 'bronze', message: 'Every service has an owner' },
      fixFailing,
    ]),
    component('unscored'),
  ])
    graph.upsert(e);
  const store: ScorecardStore = { scorecards: () => [scorecard()], initiatives: () => initiatives };
  return { graph, store };
}

describe('bar widths', () => {
  it('when shares are rounded to steps of 5%, then the parts of a bar sum to 100 and none with a count vanishes', () => {
    expect(shareSteps([1, 1, 1])).toEqual([35, 35, 30]);
    expect(shareSteps([1, 98, 1])).toEqual([5, 90, 5]);
    expect(shareSteps([0, 0, 0])).toEqual([0, 0, 0]);
    for (const counts of [
      [3, 7],
      [1, 2, 3, 4, 5],
      [1, 0, 0, 999],
      [13, 0, 27, 1],
    ]) {
      const steps = shareSteps(counts);
      expect(steps.reduce((a, b) => a + b, 0)).toBe(100);
      expect(steps.every((s, i) => s % 5 === 0 && (counts[i] === 0 ? s === 0 : s >= 5))).toBe(true);
    }
  });

  it('when a share becomes a class, then it is the nearest step of 5 and stays within 0–100', () => {
    expect([0, 0.333, 0.667, 1, 1.5, -1, Number.NaN].map(widthClass)).toEqual(['w-0', 'w-35', 'w-65', 'w-100', 'w-100', 'w-0', 'w-0']);
  });

  it('when a scorecard counts entities at its levels, then the rest are at no level, last in the bar', () => {
    const bar = levelBar(scorecard());
    expect(bar.segments.map((s) => [s.title, s.count, s.widthClass, s.tierClass])).toEqual([
      ['bronze', 1, 'w-35', 'tier-1'],
      ['Silver', 1, 'w-35', 'tier-3'],
      ['Gold', 0, 'w-0', 'tier-4'],
      ['no level', 1, 'w-30', 'tier-0'],
    ]);
    expect(bar.label).toBe('bronze: 1, Silver: 1, Gold: 0, no level: 1');
  });
});

describe('the scorecards list', () => {
  it('when a scorecard has pass rates and a rule that does not compile, then the broken rule comes first, then the worst', () => {
    const { store } = world();
    const page = scorecardsPage(store, NOW);
    expect(page.total).toBe(1);
    const rules = page.scorecards[0]!.rules;
    expect(rules.map((r) => [r.name, r.percent, r.invalid])).toEqual([
      ['broken', undefined, 'Unexpected end of input'],
      ['production', 33, undefined],
      ['replicas', 67, undefined],
      ['has-owner', 100, undefined],
    ]);
    expect(rules.find((r) => r.name === 'production')).toMatchObject({
      title: 'In production',
      low: true,
      widthClass: 'w-35',
      level: { title: 'Silver' },
    });
    expect(page.scorecards[0]?.ready.status).toBe('False');
  });

  it('when initiatives exist, then each shows its phase in words, progress and days left', () => {
    const page = scorecardsPage(world().store, NOW);
    expect(page.initiatives[0]).toMatchObject({
      title: 'Everything silver',
      href: '/initiatives/default/all-silver',
      phase: { words: 'At risk', className: 'wait' },
      progress: { atTarget: 1, total: 3, percent: 33, widthClass: 'w-35' },
      deadline: { text: '2026-03-20' },
      daysLeftWords: '19 days left',
      scorecard: { title: 'Production readiness', href: '/scorecards/default/readiness' },
    });
  });
});

describe('a scorecard page', () => {
  const page = (sort: 'name' | 'level' | 'score' = 'name', dir: 'asc' | 'desc' = 'asc') => {
    const { store, graph } = world();
    return scorecardPage(store, graph, 'default', 'readiness', { sort, dir }, NOW)!;
  };

  it('when it lists levels, then each holds its rules with how to fix, the CEL and the pass rate', () => {
    const p = page();
    expect(p.levels.map((l) => [l.title, l.rules.map((r) => r.name)])).toEqual([
      ['bronze', ['has-owner']],
      ['Silver', ['production']],
      ['Gold', ['replicas', 'broken']],
    ]);
    expect(p.levels[1]?.rules[0]).toMatchObject({
      title: 'In production',
      howToFix: 'Set spec.lifecycle',
      expression: "self.spec.lifecycle == 'production'",
      rate: { percent: 33 },
    });
    expect(p.levels[2]?.rules[0]?.weight).toBe(2);
  });

  it('when entities are sorted by level or score, then the order follows and links flip the direction', () => {
    expect(page().entities.map((e) => e.name)).toEqual(['batch', 'orders', 'web']);
    expect(page('level', 'desc').entities.map((e) => [e.name, e.level.title])).toEqual([
      ['web', 'Silver'],
      ['orders', 'bronze'],
      ['batch', 'no level'],
    ]);
    expect(page('score', 'asc').entities.map((e) => e.score)).toEqual([0, 40, 60]);
    expect(page('score', 'asc').sortLinks).toEqual({
      name: '?sort=name&dir=asc#entities-h',
      level: '?sort=level&dir=asc#entities-h',
      score: '?sort=score&dir=desc#entities-h',
    });
    expect(page().entities[0]).toMatchObject({ href: '/catalog/component/default/batch', failing: 2 });
  });

  it('when a rule does not compile, then the page points at the position in its expression', () => {
    expect(page().invalid).toEqual([
      {
        rule: 'broken',
        message: 'Unexpected end of input',
        position: 18,
        expression: 'self.spec.owner ==',
        pointer: { before: 'self.spec.owner ==', at: '', after: '' },
      },
    ]);
  });

  it('when exemptions have an expiry, then past ones are marked expired and entities link to their pages', () => {
    expect(page().exemptions.map((x) => [x.entity, x.href, x.expires?.text, x.expired])).toEqual([
      ['component:default/orders', '/catalog/component/default/orders', '2026-06-01', false],
      ['component:default/web', '/catalog/component/default/web', '2026-01-01', true],
    ]);
  });

  it('when the scorecard does not exist, then there is no page', () => {
    const { store, graph } = world();
    expect(scorecardPage(store, graph, 'other', 'readiness', { sort: 'name', dir: 'asc' }, NOW)).toBeUndefined();
  });
});

describe('an initiative page', () => {
  it('when entities are behind, then it lists them with their level, and owners with their groups', () => {
    const { store, graph } = world();
    const page = initiativePage(store, graph, 'default', 'all-silver', NOW)!;
    expect(page.initiative).toMatchObject({ phase: { words: 'At risk' }, daysLeft: 19, target: 'level Silver or above' });
    expect(page.progress).toMatchObject({ atTarget: 1, total: 3, percent: 33 });
    expect(page.byOwner.map((o) => [o.name, o.href, o.behind])).toEqual([
      ['Team A', '/catalog/group/default/team-a', 1],
      ['team-b', '/catalog/group/default/team-b', 1],
    ]);
    expect(page.behind.map((e) => [e.name, e.level.title, e.failing])).toEqual([
      ['batch', 'no level', ['has-owner', 'production']],
      ['orders', 'bronze', ['production', 'replicas']],
    ]);
    expect(page.chart.dots).toHaveLength(3);
    expect(page.initiative.notEvaluated).toBe('');
  });

  it('when the operator could not evaluate it, then the page says why', () => {
    const { graph } = world();
    const orphan = initiative('2026-03-20T00:00:00Z', {
      conditions: [
        {
          type: 'Ready',
          status: 'False',
          reason: 'ScorecardNotFound',
          message: 'Scorecard default/readiness does not exist',
          lastTransitionTime: '2026-03-01T00:00:00Z',
        },
      ],
    });
    const store: ScorecardStore = {
      scorecards: () => [],
      initiatives: () => [{ ...orphan, status: { conditions: orphan.status!.conditions! } }],
    };
    expect(initiativePage(store, graph, 'default', 'all-silver', NOW)?.initiative.notEvaluated).toBe(
      'Scorecard default/readiness does not exist',
    );
  });
});

describe('the progress chart', () => {
  it('when history spans days before the deadline, then time runs to the deadline and 0–100% fills the plot', () => {
    const chart = progressChart(
      [
        { date: '2026-03-03', ratio: 1 },
        { date: '2026-03-01', ratio: 0 },
        { date: '2026-03-02', ratio: 0.5 },
      ],
      '2026-03-05T00:00:00Z',
      { width: 446, height: 144 },
    );
    // Plot: x 46..428 (382 wide) over four days, y 114 (0%) up to 14 (100%).
    expect(chart.plot).toEqual({ left: 46, top: 14, right: 428, bottom: 114 });
    expect(chart.points).toBe('46,114 141.5,64 237,14');
    expect(chart.deadline).toEqual({ x: 428, label: 'due 2026-03-05' });
    expect(chart.yTicks.map((t) => [t.y, t.label])).toEqual([
      [114, '0%'],
      [89, '25%'],
      [64, '50%'],
      [39, '75%'],
      [14, '100%'],
    ]);
    expect(chart.xLabels.map((l) => [l.label, l.anchor])).toEqual([
      ['2026-03-01', 'start'],
      ['2026-03-03', 'middle'],
      ['due 2026-03-05', 'end'],
    ]);
    expect(chart.desc).toBe('Share of entities at target over 3 days, from 0% on 2026-03-01 to 100% on 2026-03-03; deadline 2026-03-05.');
  });

  it('when there is a single point and no later deadline, then it sits in the middle; with none, the chart is empty', () => {
    const one = progressChart([{ date: '2026-03-01', ratio: 0.25 }], '2026-01-01T00:00:00Z');
    expect(one.dots).toEqual([{ x: 334, y: 146, date: '2026-03-01', label: '25%' }]);
    expect(one.deadline).toBeUndefined();
    expect(progressChart([], undefined)).toMatchObject({ empty: true, points: '', desc: 'No progress recorded yet.' });
  });

  it('when ratios fall outside 0–1 or dates are unreadable, then they are clamped or dropped', () => {
    const chart = progressChart([
      { date: 'yesterday', ratio: 0.5 },
      { date: '2026-03-01', ratio: 1.4 },
      { date: '2026-03-02', ratio: -0.2 },
    ]);
    expect(chart.dots.map((d) => d.label)).toEqual(['100%', '0%']);
    expect(chart.dots.every((d) => d.y >= chart.plot.top && d.y <= chart.plot.bottom)).toBe(true);
  });
});

describe('scorecards on entity and team pages', () => {
  it('when an entity has results, then the section shows level, score and each failing rule with how to fix apart', () => {
    const { store, graph } = world();
    const [section] = entityScorecards(store, graph.get('component:default/orders')!);
    expect(section).toMatchObject({
      title: 'Production readiness',
      href: '/scorecards/default/readiness',
      level: { title: 'bronze' },
      rank: '1 of 3',
      score: 40,
      scoreClass: 'w-40',
    });
    expect(section?.failing[0]).toEqual({
      rule: 'production',
      title: 'In production',
      level: { name: 'silver', title: 'Silver', tierClass: 'tier-3' },
      message: 'Lifecycle is production',
      howToFix: 'Set spec.lifecycle',
    });
    expect(entityScorecards(store, graph.get('component:default/unscored')!)).toEqual([]);
  });

  it('when a team owns failing entities and an initiative is due within 30 days, then both need its attention; other teams see only theirs', () => {
    const { store, graph } = world();
    const a = teamAttention(store, graph, 'group:default/team-a', NOW)!;
    expect(a.failing.map((f) => [f.entity.name, f.items.map((i) => i.rule)])).toEqual([
      ['orders', ['production', 'replicas']],
      ['web', ['replicas']],
    ]);
    expect(a.initiatives.map((i) => [i.title, i.daysLeftWords, i.behind.map((e) => e.name)])).toEqual([
      ['Everything silver', '19 days left', ['orders']],
    ]);
    const b = teamAttention(store, graph, 'group:default/team-b', NOW)!;
    expect(b.initiatives[0]?.behind.map((e) => e.name)).toEqual(['batch']);
    expect(teamAttention(store, graph, 'component:default/orders', NOW)).toBeUndefined();
  });

  it('when the initiative is due in more than 30 days, then it does not show on team pages', () => {
    const { store, graph } = world([initiative('2026-05-01T00:00:00Z')]);
    expect(teamAttention(store, graph, 'group:default/team-a', NOW)?.initiatives).toEqual([]);
  });
});

describe('the scorecard pages over HTTP', () => {
  const serve = serving();
  const hostile = (): ScorecardStore => {
    const sc = scorecard({ description: 'Keeps <script>alert(1)</script> out' });
    sc.spec.rules[0]!.description = 'Rule <script>alert(2)</script>';
    return { scorecards: () => [sc], initiatives: () => [initiative()] };
  };

  it('when a description holds a <script>, then every page escapes it', async () => {
    const { graph } = world();
    const base = await serve(createApp({ isReady: () => true, graph, scorecards: hostile() }));
    for (const path of ['/scorecards', '/scorecards/default/readiness']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).not.toMatch(/<script>alert/);
      expect(html).not.toMatch(/style=/);
    }
    const html = await (await fetch(`${base}/scorecards/default/readiness`)).text();
    expect(html).toContain('Rule &lt;script&gt;alert(2)&lt;/script&gt;');
    expect(html).toContain('Keeps &lt;script&gt;alert(1)&lt;/script&gt; out');
    expect(html).toMatch(/<a href="\/scorecards" aria-current="page">Scorecards<\/a>/);
  });

  it('when an initiative could not be evaluated, then its page says why', async () => {
    const { graph } = world();
    const conditions = [
      {
        type: 'Ready',
        status: 'False' as const,
        reason: 'UnknownLevel',
        message: "level platinum is not one of Scorecard default/readiness's levels",
        lastTransitionTime: '2026-03-01T00:00:00Z',
      },
    ];
    const base = await serve(
      createApp({
        isReady: () => true,
        graph,
        scorecards: { scorecards: () => [scorecard()], initiatives: () => [{ ...initiative(), status: { conditions } }] },
      }),
    );
    const html = await (await fetch(`${base}/initiatives/default/all-silver`)).text();
    expect(html).toContain(
      '<span class="badge bad">Not evaluated</span> level platinum is not one of Scorecard default/readiness&#39;s levels',
    );
  });

  it('when the initiative, entity and team pages render, then they show the chart, the section and what needs attention', async () => {
    // The pages decide by the clock they are given (the operator's): the initiative is due in ten days.
    const { graph, store } = world([initiative('2026-03-20T00:00:00Z')]);
    const base = await serve(createApp({ isReady: () => true, graph, scorecards: store, now: () => new Date('2026-03-10T00:00:00Z') }));
    const initiativeHtml = await (await fetch(`${base}/initiatives/default/all-silver`)).text();
    expect(initiativeHtml).toMatch(/<svg class="progress-chart"[^>]*role="img" aria-labelledby="chart-title chart-desc">/);
    expect(initiativeHtml).toMatch(/<polyline class="line" points="[\d.]+,[\d.]+ [\d.]+,[\d.]+ [\d.]+,[\d.]+">/);
    // The results are on the entity page's Scorecards tab.
    const entityHtml = await (await fetch(`${base}/catalog/component/default/orders/scorecards`)).text();
    expect(entityHtml).toContain('id="scorecards-h"');
    expect(entityHtml).toContain('Set spec.lifecycle');
    const teamHtml = await (await fetch(`${base}/catalog/group/default/team-a`)).text();
    expect(teamHtml).toContain('id="team-attention-h"');
    expect(teamHtml).toContain('Everything silver');
    expect((await fetch(`${base}/initiatives/default/nope`)).status).toBe(404);
  });

  it('when no store is wired, then /scorecards answers with an empty state', async () => {
    const base = await serve(createApp({ isReady: () => true, graph: new CatalogGraph() }));
    const res = await fetch(`${base}/scorecards`);
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/No scorecards/);
  });
});
