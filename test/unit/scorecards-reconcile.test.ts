import { describe, expect, it } from '@jest/globals';
import type { Entity } from '../../src/catalog/entity.ts';
import { CatalogGraph } from '../../src/catalog/graph.ts';
import { InitiativeReconciler } from '../../src/controllers/scorecard/initiatives.ts';
import { OwnerNotifications, WEBHOOK_SECRET_ANNOTATION } from '../../src/controllers/scorecard/notifications.ts';
import { ScoresReconciler, type ScorecardWorld } from '../../src/controllers/scorecard/reconcile.ts';
import { ScoreBook } from '../../src/controllers/scorecard/scores.ts';
import { keyOf } from '../../src/runtime/object-cache.ts';
import type { Notification } from '../../src/notifications/notify.ts';
import type { InitiativeObject, ScorecardObject } from '../../src/scorecards/store.ts';
import type { ScorecardResult } from '../../src/scorecards/types.ts';
import { NO_FACTS } from '../fixtures/scorecards.ts';
import { component, group } from '../fixtures/entities.ts';

// The scorecard reconcilers over an in-memory world: a real catalog graph and score book,
// informer copies that the test controls (and can leave stale), writes and sends recorded.
const day = 86_400_000;

const readiness: ScorecardObject = {
  metadata: { name: 'readiness', namespace: 'shop', uid: 'uid-sc', generation: 1 },
  spec: {
    title: 'Production readiness',
    selector: { kinds: ['Component'] },
    levels: [{ name: 'bronze' }, { name: 'silver' }],
    rules: [
      { name: 'owned', level: 'bronze', expression: 'has(self.spec.owner)' },
      { name: 'production', level: 'silver', expression: "self.spec.lifecycle == 'production'", description: 'Lifecycle is production' },
    ],
  },
};

const result = (level: string, evaluatedAt = '2026-11-01T00:00:00Z'): ScorecardResult => ({
  scorecard: 'shop/readiness',
  level,
  score: level === 'silver' ? 100 : 50,
  failing: level === 'silver' ? [] : [{ rule: 'production', level: 'silver', message: 'Lifecycle is production' }],
  evaluatedAt,
});

/** Keys sorted by name, as server-side apply stores (and the apiserver returns) them. */
const sortedKeys = <T>(value: T): T =>
  Array.isArray(value)
    ? (value.map(sortedKeys) as T)
    : value && typeof value === 'object'
      ? (Object.fromEntries(
          Object.entries(value)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([k, v]) => [k, sortedKeys(v)]),
        ) as T)
      : value;

/** An entity as the informer holds it, with status.scorecards as stored. */
const stored = (entity: Entity, scorecards?: ScorecardResult[]): Entity => ({
  ...entity,
  status: { observedGeneration: entity.generation, ...(scorecards ? { scorecards: sortedKeys(scorecards) } : {}) } as Entity['status'],
});

function world(
  options: {
    entities?: Entity[];
    scorecards?: ScorecardObject[];
    initiatives?: InitiativeObject[];
    now?: () => Date;
    clusterNamespaces?: string[];
  } = {},
) {
  const graph = new CatalogGraph();
  for (const e of options.entities ?? []) graph.upsert(e);
  const scorecards = [...(options.scorecards ?? [readiness])];
  const initiatives = [...(options.initiatives ?? [])];
  const entityWrites: { ref: string; results: ScorecardResult[] }[] = [];
  const scorecardWrites: { entities?: number; levels?: { name: string; count: number }[] }[] = [];
  const initiativeWrites: Record<string, unknown>[] = [];
  const events: { ref: string; message: string }[] = [];
  const sent: Notification[] = [];
  const queued: string[] = [];
  const w: ScorecardWorld = {
    graph,
    book: new ScoreBook(undefined, options.clusterNamespaces),
    clusterScorecardNamespaces: options.clusterNamespaces ?? [],
    scorecards: () => scorecards,
    scorecard: (k) => scorecards.find((s) => keyOf(s) === k),
    initiatives: () => initiatives,
    initiative: (k) => initiatives.find((i) => keyOf(i) === k),
    factsOf: () => NO_FACTS,
    writeEntityScores: async (entity, results) => {
      entityWrites.push({ ref: entity.ref, results });
      return 'written';
    },
    writeScorecardStatus: async (_sc, status) => {
      scorecardWrites.push(status as (typeof scorecardWrites)[number]);
      return 'written';
    },
    writeInitiativeStatus: async (_i, status) => {
      initiativeWrites.push(status as Record<string, unknown>);
      return 'written';
    },
    recordBehind: async (entity, message) => void events.push({ ref: entity.ref, message }),
    notifications: new OwnerNotifications({
      notifier: { send: (n) => void sent.push(n) },
      entity: (ref) => graph.get(ref),
      scorecardTitle: (k) => scorecards.find((s) => keyOf(s) === k)?.spec.title,
    }),
    enqueue: (k) => void queued.push(k),
    now: options.now ?? (() => new Date('2026-11-24T10:00:00Z')),
  };
  return { w, graph, scorecards, initiatives, entityWrites, scorecardWrites, initiativeWrites, events, sent, queued };
}

const team = { ...group('team-a', {}, 'shop'), annotations: { [WEBHOOK_SECRET_ANNOTATION]: 'team-a-webhook' } };

describe('scoring after a restart', () => {
  it('when the operator primes with results already stored, then it queues no entity write and the first summary counts every entity', async () => {
    const entities = [
      stored(component('orders', {}, 'shop'), [result('silver')]),
      stored(component('carts', { lifecycle: 'experimental' }, 'shop'), [result('bronze')]),
    ];
    const { w, queued, scorecardWrites, entityWrites } = world({ entities });
    const scores = new ScoresReconciler(w);
    await scores.prime();
    expect(queued).toEqual(['s|shop/readiness']);
    await scores.reconcileScorecard('shop/readiness');
    expect(scorecardWrites[0]).toMatchObject({
      entities: 2,
      levels: [
        { name: '', count: 0 },
        { name: 'bronze', count: 1 },
        { name: 'silver', count: 1 },
      ],
    });
    for (const ref of ['component:shop/orders', 'component:shop/carts']) await scores.evaluateEntity(ref);
    expect(entityWrites).toEqual([]);
  });

  it('when an entity is evaluated again and nothing changed, then nothing is written, though the stored copy has its keys in another order', async () => {
    const { w, entityWrites } = world({ entities: [stored(component('orders', {}, 'shop'), [result('silver')])] });
    const scores = new ScoresReconciler(w);
    await scores.prime();
    // A write with a fresh evaluatedAt would be an event, and that event the next evaluation.
    for (let i = 0; i < 3; i++) await scores.evaluateEntity('component:shop/orders');
    expect(entityWrites).toEqual([]);
  });

  it('when the stored copy leaves out an empty failing list, as server-side apply does, then nothing is written', async () => {
    const { failing: _, ...withoutFailing } = result('silver');
    const { w, entityWrites } = world({ entities: [stored(component('orders', {}, 'shop'), [withoutFailing as ScorecardResult])] });
    const scores = new ScoresReconciler(w);
    await scores.prime();
    await scores.evaluateEntity('component:shop/orders');
    expect(entityWrites).toEqual([]);
  });

  it('when only the message of a failing rule differs from the stored one, then the results are written again', async () => {
    const stale = { ...result('bronze'), failing: [{ rule: 'production', level: 'silver', message: 'an older description' }] };
    const { w, entityWrites } = world({ entities: [stored(component('carts', { lifecycle: 'experimental' }, 'shop'), [stale])] });
    const scores = new ScoresReconciler(w);
    await scores.prime();
    await scores.evaluateEntity('component:shop/carts');
    expect(entityWrites).toEqual([
      {
        ref: 'component:shop/carts',
        results: [
          expect.objectContaining({
            level: 'bronze',
            failing: [{ rule: 'production', level: 'silver', message: 'Lifecycle is production' }],
          }),
        ],
      },
    ]);
  });

  it('when an entity is evaluated before its Scorecard was ever reconciled, then it is scored by that scorecard, not emptied', async () => {
    const { w, entityWrites } = world({
      entities: [
        stored(component('orders', {}, 'shop'), [result('silver')]),
        stored(component('carts', { lifecycle: 'experimental' }, 'shop'), [result('silver')]),
      ],
    });
    const scores = new ScoresReconciler(w);
    await scores.evaluateEntity('component:shop/orders');
    await scores.evaluateEntity('component:shop/carts');
    // orders is unchanged (nothing written); carts really dropped, and its result says so.
    expect(entityWrites).toEqual([
      { ref: 'component:shop/carts', results: [expect.objectContaining({ scorecard: 'shop/readiness', level: 'bronze' })] },
    ]);
  });

  it("when the catalog has not written a new entity's status yet, then its results wait for that write", async () => {
    const { w, graph, entityWrites } = world({ entities: [component('new', {}, 'shop')] });
    const scores = new ScoresReconciler(w);
    await scores.evaluateEntity('component:shop/new');
    expect(entityWrites).toEqual([]);
    graph.upsert(stored(component('new', {}, 'shop')));
    await scores.evaluateEntity('component:shop/new');
    expect(entityWrites.map((e) => e.results.map((r) => r.level))).toEqual([['silver']]);
  });

  it('when an entity selected by a scorecard is stored without results, then priming queues exactly it', async () => {
    const { w, queued } = world({
      entities: [stored(component('orders', {}, 'shop'), [result('silver')]), stored(component('new', {}, 'shop'))],
    });
    await new ScoresReconciler(w).prime();
    expect(queued.filter((q) => q.startsWith('e|'))).toEqual(['e|component:shop/new']);
  });
});

describe('announcing level drops once', () => {
  it('when an entity drops and is evaluated again before the informer shows the write, then its owner is told once', async () => {
    const { w, graph, sent, entityWrites } = world({ entities: [team, stored(component('orders', {}, 'shop'), [result('silver')])] });
    const scores = new ScoresReconciler(w);
    await scores.prime();
    // The catalog sees the change; the informer's copy still says silver.
    graph.upsert(stored(component('orders', { lifecycle: 'experimental' }, 'shop'), [result('silver')]));
    await scores.evaluateEntity('component:shop/orders');
    await scores.evaluateEntity('component:shop/orders');
    expect(sent.map((n) => n.key)).toEqual(['drop|shop/readiness|component:shop/orders|silver>bronze|2026-11-01T00:00:00Z']);
    // The second evaluation wrote again (the informer's copy differs) but announced nothing.
    expect(entityWrites.map((e) => e.results[0]?.level)).toEqual(['bronze', 'bronze']);
  });

  it('when the entity climbs back and drops again, then the second drop is a new message', async () => {
    let now = new Date('2026-11-24T10:00:00Z');
    const { w, graph, sent } = world({ entities: [team, stored(component('orders', {}, 'shop'), [result('silver')])], now: () => now });
    const scores = new ScoresReconciler(w);
    await scores.prime();
    for (const lifecycle of ['experimental', 'production', 'experimental']) {
      now = new Date(now.getTime() + 60_000);
      graph.upsert(stored(component('orders', { lifecycle }, 'shop'), [result('silver')]));
      await scores.evaluateEntity('component:shop/orders');
    }
    // Each drop is named by the silver result it fell from: the stored one, then the climb's (at 10:02).
    expect(sent.map((n) => n.key)).toEqual([
      'drop|shop/readiness|component:shop/orders|silver>bronze|2026-11-01T00:00:00Z',
      'drop|shop/readiness|component:shop/orders|silver>bronze|2026-11-24T10:02:00Z',
    ]);
  });

  it('when the operator restarts after announcing a drop, then the stored level is the baseline and nothing is announced again', async () => {
    const entities = [team, stored(component('orders', { lifecycle: 'experimental' }, 'shop'), [result('bronze')])];
    const { w, sent } = world({ entities });
    const scores = new ScoresReconciler(w);
    await scores.prime();
    await scores.evaluateEntity('component:shop/orders');
    expect(sent).toEqual([]);
  });
});

describe('initiatives', () => {
  const deadline = new Date('2026-12-04T00:00:00Z'); // ten days after the clock below
  const initiative = (spec: Partial<InitiativeObject['spec']> = {}, status?: InitiativeObject['status']): InitiativeObject => ({
    metadata: { name: 'ship-it', namespace: 'shop', uid: 'uid-ship-it', generation: 1, creationTimestamp: '2026-10-01T00:00:00Z' },
    spec: { scorecard: 'readiness', targetLevel: 'silver', deadline: deadline.toISOString(), ...spec },
    ...(status ? { status } : {}),
  });
  const entities = [team, stored(component('orders', {}, 'shop')), stored(component('carts', { lifecycle: 'experimental' }, 'shop'))];

  it('when a milestone is reached and a reconcile still sees the status from before, then the Events and reminders go out once', async () => {
    const { w, initiativeWrites, events, sent } = world({ entities, initiatives: [initiative()] });
    await new ScoresReconciler(w).prime();
    const initiatives = new InitiativeReconciler(w);
    await initiatives.reconcile('shop/ship-it');
    // The informer's copy has not caught up with the write (no lastMilestone yet).
    await initiatives.reconcile('shop/ship-it');
    expect(initiativeWrites[0]).toMatchObject({ phase: 'AtRisk', lastMilestone: '14d', progress: { atTarget: 1, total: 2 } });
    expect(events).toEqual([{ ref: 'component:shop/carts', message: 'ship-it: not at target yet, due in 10 days (milestone 14d)' }]);
    expect(sent.map((n) => n.key)).toEqual(['remind|uid-ship-it|2026-12-04T00:00:00.000Z|14d|group:shop/team-a']);
  });

  it('when a new leader takes over, then it goes by the stored milestone and announces none twice', async () => {
    const { w, events } = world({ entities, initiatives: [initiative({}, { lastMilestone: '14d' })] });
    await new ScoresReconciler(w).prime();
    const initiatives = new InitiativeReconciler(w);
    initiatives.forgetAnnounced();
    await initiatives.reconcile('shop/ship-it');
    expect(events).toEqual([]);
  });

  it('when the scorecard does not exist, then Ready is False with ScorecardNotFound and no phase is claimed', async () => {
    const { w, initiativeWrites, events } = world({ entities, scorecards: [], initiatives: [initiative()] });
    await new InitiativeReconciler(w).reconcile('shop/ship-it');
    const status = initiativeWrites[0]!;
    expect(status.phase).toBeUndefined();
    expect(status.progress).toBeUndefined();
    expect(status.conditions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: 'Ready',
          status: 'False',
          reason: 'ScorecardNotFound',
          message: 'Scorecard shop/readiness does not exist',
        }),
        expect.objectContaining({ type: 'Missed', status: 'Unknown' }),
      ]),
    );
    expect(events).toEqual([]);
  });

  it('when the target level or a rule is not in the scorecard, then Ready is False with UnknownLevel or UnknownRule', async () => {
    const level = world({ entities, initiatives: [initiative({ targetLevel: 'platinum' })] });
    await new InitiativeReconciler(level.w).reconcile('shop/ship-it');
    expect(level.initiativeWrites[0]?.conditions).toContainEqual(
      expect.objectContaining({ type: 'Ready', status: 'False', reason: 'UnknownLevel' }),
    );
    const rule = world({ entities, initiatives: [initiative({ targetLevel: undefined, rules: ['production', 'documented'] })] });
    await new InitiativeReconciler(rule.w).reconcile('shop/ship-it');
    expect(rule.initiativeWrites[0]?.conditions).toContainEqual(
      expect.objectContaining({
        type: 'Ready',
        status: 'False',
        reason: 'UnknownRule',
        message: 'Scorecard shop/readiness has no rule documented',
      }),
    );
  });

  it("when a tenant's Initiative follows a platform Scorecard that scores every namespace, then it counts, reminds and notifies only its own namespace's entities", async () => {
    const platformCard = { ...readiness, metadata: { ...readiness.metadata, namespace: 'platform' } };
    const tenantInitiative = {
      ...initiative({ scorecard: 'platform/readiness' }),
      metadata: { ...initiative().metadata, namespace: 'tenant' },
    };
    const tenantTeam = { ...group('team-a', {}, 'tenant'), annotations: team.annotations };
    const all = [...entities, tenantTeam, stored(component('ledger', { lifecycle: 'experimental' }, 'tenant'))];
    const { w, initiativeWrites, events, sent } = world({
      entities: all,
      scorecards: [platformCard],
      initiatives: [tenantInitiative],
      clusterNamespaces: ['platform'],
    });
    await new ScoresReconciler(w).prime();
    await new InitiativeReconciler(w).reconcile('tenant/ship-it');
    expect(initiativeWrites[0]).toMatchObject({ progress: { atTarget: 0, total: 1 } });
    expect(events.map((e) => e.ref)).toEqual(['component:tenant/ledger']);
    expect(sent.map((n) => n.key)).toEqual([expect.stringMatching(/group:tenant\/team-a$/)]);
  });

  it('when it is evaluated, then Ready is True and an unchanged status is not written again', async () => {
    const first = world({ entities, initiatives: [initiative()], now: () => new Date(deadline.getTime() - 40 * day) });
    await new ScoresReconciler(first.w).prime();
    await new InitiativeReconciler(first.w).reconcile('shop/ship-it');
    const status = first.initiativeWrites[0]!;
    expect(status.conditions).toContainEqual(
      expect.objectContaining({ type: 'Ready', status: 'True', reason: 'Evaluated', message: '1 of 2 entities at target' }),
    );
    const again = world({
      entities,
      initiatives: [initiative({}, status as InitiativeObject['status'])],
      now: () => new Date(deadline.getTime() - 40 * day),
    });
    await new ScoresReconciler(again.w).prime();
    await new InitiativeReconciler(again.w).reconcile('shop/ship-it');
    expect(again.initiativeWrites).toEqual([]);
  });
});
