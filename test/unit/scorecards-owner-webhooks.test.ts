import { describe, expect, it } from '@jest/globals';
import type { Entity } from '../../src/catalog/entity.ts';
import { CatalogGraph } from '../../src/catalog/graph.ts';
import type { LevelDrop } from '../../src/controllers/scorecard/decide.ts';
import {
  LEGACY_WEBHOOK_URL_ANNOTATION,
  OwnerNotifications,
  WEBHOOK_SECRET_ANNOTATION,
} from '../../src/controllers/scorecard/notifications.ts';
import type { Notification } from '../../src/notifications/notify.ts';
import { component, group } from '../fixtures/entities.ts';

// Which webhook an owner's notifications go to, decided from the catalog alone; the sending
// itself (Secret, policy, HTTP) is the Notifier's and is tested against real receivers.
const drop: LevelDrop = {
  from: { scorecard: 'shop/readiness', level: 'silver', score: 100, failing: [], evaluatedAt: '2026-11-01T00:00:00Z' },
  to: {
    scorecard: 'shop/readiness',
    level: 'bronze',
    score: 50,
    failing: [{ rule: 'production', level: 'silver', message: 'Lifecycle is production' }],
    evaluatedAt: '2026-11-02T00:00:00Z',
  },
};

function setup(owner: Entity) {
  const graph = new CatalogGraph();
  graph.upsert(owner);
  const orders = component('orders', { owner: `group:${owner.namespace}/${owner.name}` }, 'orders-ns');
  graph.upsert(orders);
  const sent: Notification[] = [];
  const warnings: { owner: string; reason: string; message: string }[] = [];
  const notifications = new OwnerNotifications({
    notifier: { send: (n) => void sent.push(n) },
    entity: (ref) => graph.get(ref),
    scorecardTitle: () => 'Production readiness',
    warnOwner: (o, reason, message) => void warnings.push({ owner: o.ref, reason, message }),
  });
  return { notifications, orders, sent, warnings };
}

const annotated = (annotations: Record<string, string>): Entity => ({ ...group('team-a', {}, 'shop'), annotations });

describe('owner webhooks from Secrets', () => {
  it("when the owner names a Secret, then the notification reads it from the owner's namespace and sends no URL of its own", () => {
    const { notifications, orders, sent } = setup(annotated({ [WEBHOOK_SECRET_ANNOTATION]: 'team-a-webhook/slack' }));
    notifications.levelDropped(orders, drop);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ secret: { namespace: 'shop', name: 'team-a-webhook', key: 'slack' } });
    expect(sent[0]).not.toHaveProperty('url');
  });

  it('when the owner still carries only the webhook-url annotation, then nothing is sent and the owner is told once to move it to a Secret', () => {
    const { notifications, orders, sent, warnings } = setup(
      annotated({ [LEGACY_WEBHOOK_URL_ANNOTATION]: 'https://hooks.slack.com/services/T/B/x' }),
    );
    notifications.levelDropped(orders, drop);
    notifications.levelDropped(orders, drop);
    expect(sent).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ owner: 'group:shop/team-a', reason: 'WebhookUrlAnnotationIgnored' });
    expect(warnings[0]!.message).toContain('greenroom.dev/webhook-secret');
    expect(warnings[0]!.message).not.toContain('hooks.slack.com');
  });

  it("when the owner's Secret reference is malformed, then nothing is sent and the owner is told why", () => {
    const { notifications, orders, sent, warnings } = setup(annotated({ [WEBHOOK_SECRET_ANNOTATION]: 'other-namespace/hook/url' }));
    notifications.levelDropped(orders, drop);
    expect(sent).toEqual([]);
    expect(warnings).toEqual([expect.objectContaining({ reason: 'InvalidWebhookSecret' })]);
  });

  it.each([
    ['refused', 'WebhookRefused'],
    ['dropped', 'WebhookSecretUnusable'],
    ['failed', 'WebhookFailed'],
  ] as const)('when the notifier reports the notification %s, then the owner gets a %s warning', (result, reason) => {
    const { notifications, orders, sent, warnings } = setup(annotated({ [WEBHOOK_SECRET_ANNOTATION]: 'team-a-webhook' }));
    notifications.levelDropped(orders, drop);
    sent[0]!.onUndelivered!(result, 'host evil.example is not in the webhook allow-list');
    expect(warnings).toEqual([
      { owner: 'group:shop/team-a', reason, message: 'notification not delivered: host evil.example is not in the webhook allow-list' },
    ]);
  });
});
