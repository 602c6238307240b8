import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { kubectl } from '../support/kubectl.ts';
import { eventually, operators } from '../support/operator.ts';

// Level drops reach the owning team's webhook: a receiver on loopback stands in for Slack.
// It answers 500 to the first delivery, so the retry is part of what is checked.
const namespace = 'scorecard-notify';
const start = operators(namespace);
const received: { text: string; blocks: unknown[] }[] = [];
let answers = 0;
let receiver: Server;

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
  await kubectl(['apply', '-n', namespace, '-f', '-'], [
    `apiVersion: greenroom.dev/v1alpha1\nkind: Group\nmetadata: {name: team-orders, annotations: {greenroom.dev/webhook-url: "${url}"}}\nspec: {type: team}\n`,
    'apiVersion: greenroom.dev/v1alpha1\nkind: Component\nmetadata: {name: orders}\nspec: {type: service, lifecycle: production, owner: team-orders, title: Orders}\n',
    'apiVersion: greenroom.dev/v1alpha1\nkind: Scorecard\nmetadata: {name: readiness}\nspec:\n  title: Production readiness\n  levels: [{name: bronze}, {name: silver}]\n  rules:\n    - {name: owned, level: bronze, expression: "has(self.spec.owner)"}\n    - {name: production, level: silver, expression: "self.spec.lifecycle == \'production\'", description: Lifecycle is production}\n',
  ].join('---\n'));
  await start({ dashboardUrl: 'https://portal.example.com' });
  await eventually('orders to be at silver', async () => ((await kubectl(['get', 'component', 'orders', '-n', namespace, '-o', 'jsonpath={.status.scorecards[0].level}'])) === 'silver' ? true : undefined));
});
afterAll(() => {
  receiver.close();
});

describe('notifications when a level drops', () => {
  it('when an entity drops from silver to bronze, then its team\'s webhook gets exactly one message, after a retry of a 500', async () => {
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
  });
});
