import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { kubectl } from '../support/kubectl.ts';
import { eventually, operators } from '../support/operator.ts';
import { scrapeSeries } from '../support/operator-process.ts';

// A tenant who may write Groups points their webhook (a Secret they own) at places the
// operator can reach and they cannot: loopback, the cloud metadata address, a host nobody
// allowed. The operator runs as deployed (private addresses not allowed); 127.0.0.1 and
// 169.254.169.254 are even on its host allow-list, so the address check is what refuses
// them. A real receiver on 127.0.0.1 must see nothing, and each owner is told by an Event.
const namespace = 'webhook-ssrf';
const start = operators(namespace);
const requests: string[] = [];
let receiver: Server;
/** /metrics, on its own port since issue 12. */
let metricsUrl = '';

/** A Group with a webhook (a Secret, or the retired annotation) and one Component at silver. */
function team(name: string, hook: { secretUrl: string } | { legacyUrl: string }): string[] {
  const docs = [
    `apiVersion: v1\nkind: Secret\nmetadata: {name: ${name}-webhook}\nstringData: {url: "${'secretUrl' in hook ? hook.secretUrl : 'unused'}"}\n`,
  ];
  const annotation =
    'secretUrl' in hook ? `greenroom.dev/webhook-secret: ${name}-webhook` : `greenroom.dev/webhook-url: "${hook.legacyUrl}"`;
  docs.push(
    `apiVersion: greenroom.dev/v1alpha1\nkind: Group\nmetadata: {name: ${name}, annotations: {${annotation}}}\nspec: {type: team}\n`,
  );
  docs.push(
    `apiVersion: greenroom.dev/v1alpha1\nkind: Component\nmetadata: {name: ${name}-svc}\nspec: {type: service, lifecycle: production, owner: ${name}}\n`,
  );
  return docs;
}

const teams = ['team-loopback', 'team-metadata', 'team-unlisted', 'team-legacy'];

/** Reasons of the Warning Events on one Group. */
async function eventReasons(group: string): Promise<string[]> {
  const list = JSON.parse(
    await kubectl(['get', 'events', '-n', namespace, '--field-selector', `involvedObject.name=${group}`, '-o', 'json']),
  ) as { items: { reason: string; message: string }[] };
  return list.items.map((e) => e.reason);
}

beforeAll(async () => {
  receiver = createServer((req, res) => {
    requests.push(req.url ?? '');
    req.resume();
    res.writeHead(200).end('ok');
  }).listen(0, '127.0.0.1');
  await once(receiver, 'listening');
  const port = (receiver.address() as AddressInfo).port;
  await kubectl(['create', 'namespace', namespace]);
  await kubectl(
    ['apply', '-n', namespace, '-f', '-'],
    [
      ...team('team-loopback', { secretUrl: `http://127.0.0.1:${port}/services/T/B/loopback` }),
      ...team('team-metadata', { secretUrl: 'http://169.254.169.254/latest/meta-data/iam/security-credentials/' }),
      ...team('team-unlisted', { secretUrl: `http://localhost:${port}/services/T/B/unlisted` }),
      ...team('team-legacy', { legacyUrl: `http://127.0.0.1:${port}/services/T/B/legacy` }),
      'apiVersion: greenroom.dev/v1alpha1\nkind: Scorecard\nmetadata: {name: readiness}\nspec:\n  levels: [{name: bronze}, {name: silver}]\n  rules:\n    - {name: owned, level: bronze, expression: "has(self.spec.owner)"}\n    - {name: production, level: silver, expression: "self.spec.lifecycle == \'production\'"}\n',
    ].join('---\n'),
  );
  metricsUrl = (await start({ webhookAllowedHosts: ['127.0.0.1', '169.254.169.254'], webhookAllowPrivateAddresses: false })).metricsUrl;
  for (const name of teams) {
    await eventually(`${name}-svc to be at silver`, async () =>
      (await kubectl(['get', 'component', `${name}-svc`, '-n', namespace, '-o', 'jsonpath={.status.scorecards[0].level}'])) === 'silver'
        ? true
        : undefined,
    );
  }
});
afterAll(() => {
  receiver.close();
});

describe('webhooks cannot reach what the tenant cannot', () => {
  it('when the entities of teams whose webhooks point at loopback, the metadata address, an unlisted host or the retired annotation drop a level, then nothing is sent and each team gets a Warning Event', async () => {
    for (const name of teams)
      await kubectl(['patch', 'component', `${name}-svc`, '-n', namespace, '--type=merge', '-p', '{"spec":{"lifecycle":"experimental"}}']);
    await eventually('three refusals', async () =>
      (await scrapeSeries(metricsUrl)).get('greenroom_notifications_total{result="refused"}') === 3 ? true : undefined,
    );
    for (const name of ['team-loopback', 'team-metadata', 'team-unlisted']) {
      await eventually(`a WebhookRefused Event on ${name}`, async () =>
        (await eventReasons(name)).includes('WebhookRefused') ? true : undefined,
      );
    }
    await eventually('a WebhookUrlAnnotationIgnored Event on team-legacy', async () =>
      (await eventReasons('team-legacy')).includes('WebhookUrlAnnotationIgnored') ? true : undefined,
    );
    const series = await scrapeSeries(metricsUrl);
    expect(series.get('greenroom_notifications_total{result="delivered"}')).toBe(0);
    expect(series.get('greenroom_notification_attempts_total')).toBe(0);
    expect(requests).toEqual([]);
  });
});
