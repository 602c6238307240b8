import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { kubectl } from '../support/kubectl.ts';
import { eventually, operators } from '../support/operator.ts';
import { scrapeSeries } from '../support/operator-process.ts';

// Level drops and initiative reminders reach the owning team's webhook, whose URL is in a
// Secret the Group names: a receiver on loopback stands in for Slack, so the operator allows
// 127.0.0.1 and private addresses, as a demo would. It answers 500 to the first delivery, so
// the retry is part of what is checked. The operator's clock is the test's, for the
// initiative's milestones.
const namespace = 'scorecard-notify';
const start = operators(namespace);
const received: { text: string; blocks: unknown[] }[] = [];
let answers = 0;
let receiver: Server;
let metricsUrl = '';
const day = 86_400_000;
const deadline = new Date(Date.now() + 60 * day);
let now = new Date();
const reminders = (milestone: RegExp) => received.filter((m) => /^Reminder:/.test(m.text) && milestone.test(m.text));
const metric = async (series: string): Promise<number | undefined> => (await scrapeSeries(metricsUrl)).get(series);

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      answers++;
      if (answers === 1) return void res.writeHead(500).end('try again');
      received.push(JSON.parse(body) as { text: string; blocks: unknown[] });
      res.writeHead(200).end('ok');
    });
  }).listen(0, '127.0.0.1');
  await once(receiver, 'listening');
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/services/T000/B000/secret-token`;
  await kubectl(['create', 'namespace', namespace]);
  await kubectl(
    ['apply', '-n', namespace, '-f', '-'],
    [
      `apiVersion: v1\nkind: Secret\nmetadata: {name: team-orders-webhook}\nstringData: {url: "${url}"}\n`,
      'apiVersion: greenroom.dev/v1alpha1\nkind: Group\nmetadata: {name: team-orders, annotations: {greenroom.dev/webhook-secret: team-orders-webhook}}\nspec: {type: team}\n',
      'apiVersion: greenroom.dev/v1alpha1\nkind: Component\nmetadata: {name: orders}\nspec: {type: service, lifecycle: production, owner: team-orders, title: Orders}\n',
      ...['billing', 'ledger'].map(
        (name) =>
          `apiVersion: greenroom.dev/v1alpha1\nkind: Component\nmetadata: {name: ${name}}\nspec: {type: service, lifecycle: experimental, owner: team-orders}\n`,
      ),
      `apiVersion: greenroom.dev/v1alpha1\nkind: Initiative\nmetadata: {name: all-silver}\nspec: {title: All at silver, scorecard: readiness, targetLevel: silver, deadline: "${deadline.toISOString()}"}\n`,
      'apiVersion: greenroom.dev/v1alpha1\nkind: Scorecard\nmetadata: {name: readiness}\nspec:\n  title: Production readiness\n  levels: [{name: bronze}, {name: silver}]\n  rules:\n    - {name: owned, level: bronze, expression: "has(self.spec.owner)"}\n    - {name: production, level: silver, expression: "self.spec.lifecycle == \'production\'", description: Lifecycle is production}\n',
    ].join('---\n'),
  );
  metricsUrl = (
    await start({
      dashboardUrl: 'https://portal.example.com',
      now: () => now,
      webhookAllowedHosts: ['127.0.0.1'],
      webhookAllowPrivateAddresses: true,
    })
  ).metricsUrl;
  await eventually('orders to be at silver', async () =>
    (await kubectl(['get', 'component', 'orders', '-n', namespace, '-o', 'jsonpath={.status.scorecards[0].level}'])) === 'silver'
      ? true
      : undefined,
  );
});
afterAll(() => {
  receiver.close();
});

describe('notifications when a level drops', () => {
  it("when an entity drops from silver to bronze, then its team's webhook gets exactly one message, after a retry of a 500", async () => {
    await kubectl(['patch', 'component', 'orders', '-n', namespace, '--type=merge', '-p', '{"spec":{"lifecycle":"experimental"}}']);
    await eventually('the drop to be delivered', async () => (received.length === 1 ? true : undefined), 15_000);
    expect(answers).toBe(2);
    expect(received[0]?.text).toBe('Orders dropped from silver to bronze on Production readiness');
    expect(JSON.stringify(received[0]?.blocks)).toMatch(/Lifecycle is production/);
    expect(JSON.stringify(received[0]?.blocks)).toContain('https://portal.example.com/catalog/component/scorecard-notify/orders');
    // Re-evaluations of the same state send nothing more.
    await kubectl(['annotate', 'component', 'orders', '-n', namespace, 'touched=yes']);
    await new Promise((r) => setTimeout(r, 3000));
    expect(received.length).toBe(1);
    expect(await metric('greenroom_notifications_total{result="delivered"}')).toBe(1);
    expect(await metric('greenroom_notification_attempts_total')).toBe(2);
  });
});

/** Moves the operator's clock, then nudges the Initiative so it is looked at again. */
async function at(time: Date): Promise<void> {
  now = time;
  await kubectl(['annotate', 'initiative', 'all-silver', '-n', namespace, `test.greenroom.dev/clock=${time.getTime()}`, '--overwrite']);
}
const progress = async () =>
  JSON.parse((await kubectl(['get', 'initiative', 'all-silver', '-n', namespace, '-o', 'jsonpath={.status.progress}'])) || '{}') as {
    atTarget?: number;
  };

describe('initiative reminders by webhook (injected clock)', () => {
  it("when a milestone is reached with the team's entities behind, then its webhook gets exactly one reminder for it, however often the initiative is looked at again", async () => {
    await at(new Date(deadline.getTime() - 10 * day));
    const first = await eventually('the 14-day reminder', async () => reminders(/due in 14 days/)[0]);
    expect(first.text).toBe('Reminder: 3 of your entities are not at silver for All at silver, due in 14 days');
    expect(JSON.stringify(first.blocks)).toContain('https://portal.example.com/initiatives/scorecard-notify/all-silver');
    // Looked at again at the same milestone, with the progress changed so a reconcile surely ran.
    await at(new Date(deadline.getTime() - 10 * day + 60_000));
    await kubectl(['patch', 'component', 'billing', '-n', namespace, '--type=merge', '-p', '{"spec":{"lifecycle":"production"}}']);
    await eventually('the initiative to count billing at target', async () => ((await progress()).atTarget === 1 ? true : undefined));
    // The next milestone's reminder is the marker: whatever the 14-day one would have repeated came before it.
    await at(new Date(deadline.getTime() - 5 * day));
    const second = await eventually('the 7-day reminder', async () => reminders(/due in 7 days/)[0]);
    expect(second.text).toBe('Reminder: 2 of your entities are not at silver for All at silver, due in 7 days');
    expect(reminders(/./).map((m) => m.text)).toEqual([first.text, second.text]);
  });
});
