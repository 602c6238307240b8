import type { Entity } from '../../catalog/entity.ts';
import { formatRef, parseRef, type EntityRef } from '../../catalog/refs.ts';
import { keyOf } from '../../runtime/object-cache.ts';
import type { Notification, Notifier } from '../../notifications/notify.ts';
import { initiativeReminderMessage, levelDropMessage } from '../../notifications/slack.ts';
import type { InitiativeObject } from '../../scorecards/store.ts';
import type { InitiativeProgress } from '../../scorecards/types.ts';
import { parseWebhookSecretRef, WEBHOOK_SECRET_ANNOTATION, type SecretKeyRef } from '../../notifications/webhook-secret.ts';
import { dropKey, type LevelDrop } from './decide.ts';
import { REASON } from './reasons.ts';

export { WEBHOOK_SECRET_ANNOTATION } from '../../notifications/webhook-secret.ts';

/**
 * Where a Group's webhook URL used to be written. No longer read: the read API and every
 * catalog reader saw it, and the URL is the credential. Owners still carrying it are told
 * to move it to a Secret.
 */
export const LEGACY_WEBHOOK_URL_ANNOTATION = 'greenroom.dev/webhook-url';

/** Tells an owner (a Group or User) about a problem with its webhook, e.g. by an Event on it. */
export type WarnOwner = (owner: Entity, reason: string, message: string) => void;

/** An owner with a webhook: its ref, the entity, and the Secret key holding the URL. */
interface OwnerWebhook {
  ref: string;
  owner: Entity;
  secret: SecretKeyRef;
}

export interface OwnerNotificationsOptions {
  /** Sends the messages; nothing is sent without one. */
  notifier?: Pick<Notifier, 'send'> | undefined;
  entity: (ref: EntityRef) => Entity | undefined;
  scorecardTitle: (scorecard: string) => string | undefined;
  /** The dashboard's external URL, for links. */
  dashboardUrl?: string | undefined;
  /** Told about webhooks that cannot be used; tenants do not see the operator's logs. */
  warnOwner?: WarnOwner | undefined;
}

/**
 * Tells owners, by their webhook, when an entity drops a level and when an initiative
 * reaches a milestone with their entities behind. Sending never blocks: the notifier
 * delivers (and retries) in the background, and refuses a key it already sent.
 */
export class OwnerNotifications {
  private readonly options: OwnerNotificationsOptions;
  /** Owners (uid) already told their legacy annotation is ignored: once per process is enough. */
  private readonly toldLegacy = new Set<string>();

  constructor(options: OwnerNotificationsOptions) {
    this.options = options;
  }

  levelDropped(entity: Entity, drop: LevelDrop): void {
    const hook = this.options.notifier && this.webhookOf(entity.spec.owner, entity.namespace);
    if (!hook) return;
    const scorecardTitle = this.options.scorecardTitle(drop.to.scorecard);
    const dashboardUrl = this.link(`/catalog/${entity.kind.toLowerCase()}/${entity.namespace}/${entity.name}`);
    this.options.notifier!.send({
      key: dropKey(entity.ref, drop),
      ...this.destination(hook),
      payload: levelDropMessage({
        entityRef: entity.ref,
        ...(typeof entity.spec.title === 'string' ? { entityTitle: entity.spec.title } : {}),
        owner: hook.ref,
        scorecard: drop.to.scorecard,
        ...(scorecardTitle ? { scorecardTitle } : {}),
        from: drop.from.level,
        to: drop.to.level,
        failing: drop.to.failing.map((f) => ({ rule: f.rule, message: f.message })),
        ...(dashboardUrl ? { dashboardUrl } : {}),
      }),
    });
  }

  /** One reminder per owner with entities behind, to the owner's webhook. */
  initiativeMilestone(
    initiative: InitiativeObject,
    milestone: string,
    progress: Pick<InitiativeProgress, 'atTarget' | 'total' | 'behind'>,
    scorecardTitle: string | undefined,
  ): void {
    const { notifier } = this.options;
    if (!notifier) return;
    const byOwner = new Map<string, { hook: OwnerWebhook; behind: { ref: string; title?: string }[] }>();
    for (const ref of progress.behind) {
      const entity = this.options.entity(ref);
      const hook = entity && this.webhookOf(entity.spec.owner, entity.namespace);
      if (!hook) continue;
      const entry = byOwner.get(hook.ref) ?? { hook, behind: [] };
      entry.behind.push({ ref, ...(typeof entity.spec.title === 'string' ? { title: entity.spec.title } : {}) });
      byOwner.set(hook.ref, entry);
    }
    const { metadata, spec } = initiative;
    const key = keyOf(initiative);
    const dashboardUrl = this.link(`/initiatives/${metadata.namespace}/${metadata.name}`);
    for (const [owner, { hook, behind }] of byOwner) {
      notifier.send({
        // The uid and deadline: a recreated initiative, or one given a new deadline, reminds again.
        key: `remind|${metadata.uid}|${spec.deadline}|${milestone}|${owner}`,
        ...this.destination(hook),
        payload: initiativeReminderMessage({
          initiative: key,
          title: spec.title ?? scorecardTitle ?? metadata.name,
          owner,
          deadline: spec.deadline,
          milestone,
          behind,
          atTarget: progress.atTarget,
          total: progress.total,
          ...(spec.targetLevel ? { target: spec.targetLevel } : {}),
          ...(dashboardUrl ? { dashboardUrl } : {}),
        }),
      });
    }
  }

  /**
   * The webhook of an owner: the Secret its annotation names, in the owner's own namespace.
   * An owner with only the legacy URL annotation, or a malformed reference, is warned and
   * gets nothing.
   */
  private webhookOf(owner: unknown, namespace: string): OwnerWebhook | undefined {
    if (typeof owner !== 'string') return undefined;
    const parsed = parseRef(owner, { defaultKind: 'Group', namespace });
    if ('error' in parsed) return undefined;
    const ref = formatRef(parsed);
    const entity = this.options.entity(ref);
    if (!entity) return undefined;
    const value = entity.annotations[WEBHOOK_SECRET_ANNOTATION];
    if (value === undefined) {
      if (entity.annotations[LEGACY_WEBHOOK_URL_ANNOTATION] !== undefined && !this.toldLegacy.has(entity.uid)) {
        this.toldLegacy.add(entity.uid);
        this.options.warnOwner?.(
          entity,
          REASON.WebhookUrlAnnotationIgnored,
          `${LEGACY_WEBHOOK_URL_ANNOTATION} is no longer honoured: put the URL in a Secret in namespace ${entity.namespace} (key url) and name it in ${WEBHOOK_SECRET_ANNOTATION}, then remove ${LEGACY_WEBHOOK_URL_ANNOTATION}`,
        );
      }
      return undefined;
    }
    const secret = parseWebhookSecretRef(value, entity.namespace);
    if ('error' in secret) {
      this.options.warnOwner?.(entity, REASON.InvalidWebhookSecret, secret.error);
      return undefined;
    }
    return { ref, owner: entity, secret };
  }

  /** Where a notification goes, and whom to tell when it cannot get there. */
  private destination(hook: OwnerWebhook): Pick<Notification & { secret: SecretKeyRef }, 'secret' | 'onUndelivered'> {
    const { warnOwner } = this.options;
    return {
      secret: hook.secret,
      ...(warnOwner
        ? { onUndelivered: (result, reason) => warnOwner(hook.owner, UNDELIVERED_REASON[result], `notification not delivered: ${reason}`) }
        : {}),
    };
  }

  private link(path: string): string | undefined {
    return this.options.dashboardUrl ? `${this.options.dashboardUrl.replace(/\/$/, '')}${path}` : undefined;
  }
}

/** The Event reason for each way a notification ends undelivered. */
const UNDELIVERED_REASON = {
  refused: REASON.WebhookRefused,
  dropped: REASON.WebhookSecretUnusable,
  failed: REASON.WebhookFailed,
} as const;
