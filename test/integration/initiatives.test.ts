import { beforeAll, describe, expect, it } from '@jest/globals';
import { kubectl } from '../support/kubectl.ts';
import { eventually, operators } from '../support/operator.ts';

// An Initiative followed by a real operator whose clock the test moves: OnTrack while the
// deadline is far, AtRisk within two weeks of it (with a reminder Event on the entity still
// behind, once), Missed after it.
const namespace = 'initiatives';
const start = operators(namespace);
const day = 86_400_000;
const deadline = new Date(Date.now() + 60 * day);
let now = new Date();

interface InitiativeStatus { phase?: string; lastMilestone?: string; conditions?: { type: string; status: string }[] }
const statusOf = async (): Promise<InitiativeStatus> =>
  (JSON.parse(await kubectl(['get', 'initiative', 'ship-it', '-n', namespace, '-o', 'json'])) as { status?: InitiativeStatus }).status ?? {};
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
  (await kubectl(['get', 'events', '-n', namespace, '--field-selector', 'reason=InitiativeBehind', '-o', 'name'])).trim().split('\n').filter(Boolean).length;

beforeAll(async () => {
  await kubectl(['create', 'namespace', namespace]);
  await kubectl(['apply', '-n', namespace, '-f', '-'], [
    'apiVersion: greenroom.dev/v1alpha1\nkind: Group\nmetadata: {name: team-a}\nspec: {type: team}\n',
    'apiVersion: greenroom.dev/v1alpha1\nkind: Component\nmetadata: {name: ready-one}\nspec: {type: service, lifecycle: production, owner: team-a}\n',
    'apiVersion: greenroom.dev/v1alpha1\nkind: Component\nmetadata: {name: late-one}\nspec: {type: service, lifecycle: experimental, owner: team-a}\n',
    'apiVersion: greenroom.dev/v1alpha1\nkind: Scorecard\nmetadata: {name: basics}\nspec:\n  levels: [{name: bronze}]\n  selector: {kinds: [Component]}\n  rules: [{name: production, level: bronze, expression: "self.spec.lifecycle == \'production\'"}]\n',
    `apiVersion: greenroom.dev/v1alpha1\nkind: Initiative\nmetadata: {name: ship-it}\nspec: {scorecard: basics, targetLevel: bronze, deadline: "${deadline.toISOString()}"}\n`,
  ].join('---\n'));
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
    const event = JSON.parse(await kubectl(['get', 'events', '-n', namespace, '--field-selector', 'reason=InitiativeBehind', '-o', 'json'])) as { items: { involvedObject: { name: string }; message: string }[] };
    expect(event.items[0]?.involvedObject.name).toBe('late-one');
    expect(event.items[0]?.message).toMatch(/due in 10 days \(milestone 14d\)/);
  });

  it('when the deadline has passed with an entity behind, then it is Missed', async () => {
    const status = await at(new Date(deadline.getTime() + day), 'Missed');
    expect(status.conditions?.find((c) => c.type === 'Missed')?.status).toBe('True');
  });
});
