import { beforeAll, describe, expect, it } from '@jest/globals';
import type { KubernetesObject } from '@kubernetes/client-node';
import { loadKubeConfig } from '../../src/kube/config.ts';
import { Informer } from '../../src/runtime/informer.ts';
import { kubectl } from '../support/kubectl.ts';
import { eventually, operators, testLogger } from '../support/operator.ts';

// An Initiative followed by a real operator whose clock the test moves: OnTrack while the
// deadline is far, AtRisk within two weeks of it (with a reminder Event on the entity still
// behind, once), Missed after it.
const namespace = 'initiatives';
const start = operators(namespace);
const day = 86_400_000;
const deadline = new Date(Date.now() + 60 * day);
let now = new Date();

interface InitiativeStatus {
  phase?: string;
  lastMilestone?: string;
  conditions?: { type: string; status: string }[];
}
const statusOf = async (): Promise<InitiativeStatus> =>
  (JSON.parse(await kubectl(['get', 'initiative', 'ship-it', '-n', namespace, '-o', 'json'])) as { status?: InitiativeStatus }).status ??
  {};
/** Moves the operator's clock, then nudges the Initiative so it is looked at again. */
async function at(time: Date, phase: string): Promise<InitiativeStatus> {
  now = time;
  await kubectl(['annotate', 'initiative', 'ship-it', '-n', namespace, `test.greenroom.dev/clock=${time.getTime()}`, '--overwrite']);
  return eventually(`the Initiative to be ${phase}`, async () => {
    const s = await statusOf();
    return s.phase === phase ? s : undefined;
  });
}
const reminders = async (): Promise<number> =>
  (await kubectl(['get', 'events', '-n', namespace, '--field-selector', 'reason=InitiativeBehind', '-o', 'name']))
    .trim()
    .split('\n')
    .filter(Boolean).length;

beforeAll(async () => {
  await kubectl(['create', 'namespace', namespace]);
  await kubectl(
    ['apply', '-n', namespace, '-f', '-'],
    [
      'apiVersion: greenroom.dev/v1alpha1\nkind: Group\nmetadata: {name: team-a}\nspec: {type: team}\n',
      'apiVersion: greenroom.dev/v1alpha1\nkind: Component\nmetadata: {name: ready-one}\nspec: {type: service, lifecycle: production, owner: team-a}\n',
      'apiVersion: greenroom.dev/v1alpha1\nkind: Component\nmetadata: {name: late-one}\nspec: {type: service, lifecycle: experimental, owner: team-a}\n',
      'apiVersion: greenroom.dev/v1alpha1\nkind: Scorecard\nmetadata: {name: basics}\nspec:\n  levels: [{name: bronze}]\n  selector: {kinds: [Component]}\n  rules: [{name: production, level: bronze, expression: "self.spec.lifecycle == \'production\'"}]\n',
      `apiVersion: greenroom.dev/v1alpha1\nkind: Initiative\nmetadata: {name: ship-it}\nspec: {scorecard: basics, targetLevel: bronze, deadline: "${deadline.toISOString()}"}\n`,
    ].join('---\n'),
  );
  await start({ now: () => now });
});

describe('an initiative as its deadline comes and goes (injected clock)', () => {
  it('when the deadline is far and half the entities are at target, then it is OnTrack', async () => {
    const status = await at(new Date(), 'OnTrack');
    expect(status.conditions?.find((c) => c.type === 'DeadlineApproaching')?.status).toBe('False');
    expect(await reminders()).toBe(0);
  });

  it('when the deadline is ten days away, then it is AtRisk, says the deadline approaches and reminds the entity behind once', async () => {
    const status = await at(new Date(deadline.getTime() - 10 * day), 'AtRisk');
    expect(status.conditions?.find((c) => c.type === 'DeadlineApproaching')?.status).toBe('True');
    expect(status.lastMilestone).toBe('14d');
    await eventually('a reminder Event on the entity behind', async () => ((await reminders()) === 1 ? true : undefined));
    // Looked at again at the same milestone: no second reminder.
    await at(new Date(deadline.getTime() - 10 * day + 1000), 'AtRisk');
    await new Promise((r) => setTimeout(r, 1000));
    expect(await reminders()).toBe(1);
    const event = JSON.parse(
      await kubectl(['get', 'events', '-n', namespace, '--field-selector', 'reason=InitiativeBehind', '-o', 'json']),
    ) as { items: { involvedObject: { name: string }; message: string }[] };
    expect(event.items[0]?.involvedObject.name).toBe('late-one');
    expect(event.items[0]?.message).toMatch(/due in 10 days \(milestone 14d\)/);
  });

  it('when the deadline has passed with an entity behind, then it is Missed', async () => {
    const status = await at(new Date(deadline.getTime() + day), 'Missed');
    expect(status.conditions?.find((c) => c.type === 'Missed')?.status).toBe('True');
  });
});

// A second operator (real clock) in its own namespace: what a restart does to stored results,
// and an Initiative's Ready condition.
const other = 'initiatives-restart';
const startOther = operators(other);
const soon = new Date(Date.now() + 10 * day);

interface Condition {
  type: string;
  status: string;
  reason: string;
  lastTransitionTime: string;
}
interface Watched {
  metadata: { name: string; resourceVersion: string };
  status?: Record<string, unknown>;
}
const getJson = async <T>(kind: string, name: string, namespace = other): Promise<T> =>
  JSON.parse(await kubectl(['get', kind, name, '-n', namespace, '-o', 'json'])) as T;
const conditionsOf = (o: Watched) => (o.status?.conditions as Condition[] | undefined) ?? [];

/** Every version of the namespace's components, initiatives and scorecards a watch delivers. */
async function watchAll(): Promise<{ seen: Map<string, Watched[]>; stop: () => Promise<void> }> {
  const seen = new Map<string, Watched[]>();
  const informers = ['components', 'initiatives', 'scorecards'].map((plural) => {
    const informer = new Informer<KubernetesObject>({
      kubeConfig: loadKubeConfig(),
      path: `/apis/greenroom.dev/v1alpha1/namespaces/${other}/${plural}`,
      logger: testLogger(),
    });
    const record = (o: KubernetesObject) =>
      seen.set(`${plural}/${o.metadata!.name}`, [...(seen.get(`${plural}/${o.metadata!.name}`) ?? []), o as unknown as Watched]);
    informer.on('add', record);
    informer.on('update', record);
    return informer;
  });
  await Promise.all(informers.map((i) => i.start()));
  return { seen, stop: async () => void (await Promise.all(informers.map((i) => i.stop()))) };
}

describe('an operator restart with results and an initiative already stored', () => {
  beforeAll(async () => {
    await kubectl(['create', 'namespace', other]);
    await kubectl(
      ['apply', '-n', other, '-f', '-'],
      [
        'apiVersion: greenroom.dev/v1alpha1\nkind: Group\nmetadata: {name: team-a}\nspec: {type: team}\n',
        ...['one', 'two', 'three'].map(
          (name, i) =>
            `apiVersion: greenroom.dev/v1alpha1\nkind: Component\nmetadata: {name: ${name}}\nspec: {type: service, lifecycle: ${i === 0 ? 'production' : 'experimental'}, owner: team-a}\n`,
        ),
        'apiVersion: greenroom.dev/v1alpha1\nkind: Scorecard\nmetadata: {name: basics}\nspec:\n  levels: [{name: bronze}]\n  selector: {kinds: [Component]}\n  rules: [{name: production, level: bronze, expression: "self.spec.lifecycle == \'production\'"}]\n',
        `apiVersion: greenroom.dev/v1alpha1\nkind: Initiative\nmetadata: {name: ship-it}\nspec: {scorecard: basics, targetLevel: bronze, deadline: "${soon.toISOString()}"}\n`,
      ].join('---\n'),
    );
  });

  it('when the operator restarts, then no entity loses its results, the Initiative neither flaps nor reminds again, and the summary never counts 0', async () => {
    const first = await startOther();
    const before = await eventually('the first operator to score, summarise and follow everything', async () => {
      const i = await getJson<Watched>('initiative', 'ship-it');
      const sc = await getJson<Watched>('scorecard', 'basics');
      return i.status?.phase === 'AtRisk' && (i.status.progress as { total: number }).total === 3 && sc.status?.entities === 3
        ? i
        : undefined;
    });
    const reminders = async () =>
      (await kubectl(['get', 'events', '-n', other, '--field-selector', 'reason=InitiativeBehind', '-o', 'name']))
        .trim()
        .split('\n')
        .filter(Boolean).length;
    await eventually('a reminder Event on each entity behind', async () => ((await reminders()) === 2 ? true : undefined));

    const watch = await watchAll();
    await first.stop();
    await startOther();
    // A change made after the restart, and waited for: whatever the new operator wrote on
    // starting up was written before this shows.
    await kubectl(['patch', 'component', 'three', '-n', other, '--type=merge', '-p', '{"spec":{"lifecycle":"production"}}']);
    await eventually('the restarted operator to count the change', async () => {
      const i = await getJson<Watched>('initiative', 'ship-it');
      return (i.status?.progress as { atTarget: number } | undefined)?.atTarget === 2 ? true : undefined;
    });
    await watch.stop();

    for (const name of ['one', 'two', 'three']) {
      const versions = watch.seen.get(`components/${name}`) ?? [];
      expect(versions.length).toBeGreaterThan(0);
      const scored = versions.map((v) => ((v.status?.scorecards as { scorecard: string }[] | undefined) ?? []).map((s) => s.scorecard));
      expect({ name, scored: scored.filter((s) => !s.includes(`${other}/basics`)) }).toEqual({ name, scored: [] });
    }
    const initiative = watch.seen.get('initiatives/ship-it') ?? [];
    const transitions = (o: Watched) =>
      conditionsOf(o)
        .map((c) => `${c.type}=${c.status}@${c.lastTransitionTime}`)
        .sort();
    expect(new Set(initiative.map((v) => v.status?.phase))).toEqual(new Set(['AtRisk']));
    expect(new Set(initiative.map((v) => transitions(v).join(' ')))).toEqual(new Set([transitions(before).join(' ')]));
    expect(initiative.flatMap((v) => (v.status?.history as { ratio: number }[]).map((h) => h.ratio)).filter((r) => r >= 1)).toEqual([]);
    const summaries = (watch.seen.get('scorecards/basics') ?? []).map((v) => v.status?.entities);
    expect(new Set(summaries)).toEqual(new Set([3]));
    expect(await reminders()).toBe(2);
  });

  it('when an Initiative names a Scorecard that does not exist, then Ready is False with ScorecardNotFound and no phase; once it exists, kubectl wait sees Ready', async () => {
    const initiative = (spec: string) =>
      `apiVersion: greenroom.dev/v1alpha1\nkind: Initiative\nmetadata: {name: orphan}\nspec: {scorecard: not-yet, deadline: "${new Date(Date.now() + 90 * day).toISOString()}", ${spec}}\n`;
    await kubectl(['apply', '-n', other, '-f', '-'], initiative('targetLevel: bronze'));
    const ready = (reason: string) =>
      eventually(`the orphan Initiative's Ready to say ${reason}`, async () => {
        const i = await getJson<Watched>('initiative', 'orphan');
        return conditionsOf(i).find((c) => c.type === 'Ready')?.reason === reason ? i : undefined;
      });
    const missing = await ready('ScorecardNotFound');
    expect(conditionsOf(missing).find((c) => c.type === 'Ready')?.status).toBe('False');
    // Before the fix it claimed Achieved: no entity was in scope of a scorecard it could not find.
    expect(missing.status?.phase).toBeUndefined();
    expect(missing.status?.progress).toBeUndefined();

    await kubectl(
      ['apply', '-n', other, '-f', '-'],
      'apiVersion: greenroom.dev/v1alpha1\nkind: Scorecard\nmetadata: {name: not-yet}\nspec:\n  levels: [{name: bronze}]\n  selector: {kinds: [Component]}\n  rules: [{name: owned, level: bronze, expression: "has(self.spec.owner)"}]\n',
    );
    await kubectl(['wait', '--for=condition=Ready', 'initiative/orphan', '-n', other, '--timeout=30s']);
    expect((await getJson<Watched>('initiative', 'orphan')).status).toMatchObject({
      phase: 'Achieved',
      progress: { atTarget: 3, total: 3 },
    });

    await kubectl(['apply', '-n', other, '-f', '-'], initiative('targetLevel: platinum'));
    expect(conditionsOf(await ready('UnknownLevel')).find((c) => c.type === 'Ready')?.status).toBe('False');
    await kubectl(['apply', '-n', other, '-f', '-'], initiative('rules: [owned, documented]'));
    await ready('UnknownRule');
  });
});
