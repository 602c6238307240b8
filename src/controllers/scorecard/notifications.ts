import type { Entity } from '../../catalog/entity.ts';
import { formatRef, parseRef, type EntityRef } from '../../catalog/refs.ts';
import { keyOf } from '../../runtime/object-cache.ts';
import type { Notifier } from '../../scorecards/notify.ts';
import { initiativeReminderMessage, levelDropMessage } from '../../scorecards/slack.ts';
import type { InitiativeObject } from '../../scorecards/store.ts';
import type { InitiativeProgress } from '../../scorecards/types.ts';
import { dropKey, type LevelDrop } from './decide.ts';

/** On a Group (or User): where its notifications go, a Slack-compatible incoming webhook. */
export const WEBHOOK_ANNOTATION = 'greenroom.dev/webhook-url';

export interface OwnerNotificationsOptions {
  /** Sends the messages; nothing is sent without one. */
  notifier?: Pick<Notifier, 'send'> | undefined;
  entity: (ref: EntityRef) => Entity | undefined;
  scorecardTitle: (scorecard: string) => string | undefined;
  /** The dashboard's external URL, for links. */
  dashboardUrl?: string | undefined;
}

/**
 * Tells owners, by their webhook, when an entity drops a level and when an initiative
 * reaches a milestone with their entities behind. Sending never blocks: the notifier
 * delivers (and retries) in the background, and refuses a key it already sent.
 */
export class OwnerNotifications {
  private readonly options: OwnerNotificationsOptions;

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
      url: hook.url,
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
  initiativeMilestone(initiative: InitiativeObject, milestone: string, progress: Pick<InitiativeProgress, 'atTarget' | 'total' | 'behind'>, scorecardTitle: string | undefined): void {
    const { notifier } = this.options;
    if (!notifier) return;
    const byOwner = new Map<string, { url: string; behind: { ref: string; title?: string }[] }>();
    for (const ref of progress.behind) {
      const entity = this.options.entity(ref);
      const hook = entity && this.webhookOf(entity.spec.owner, entity.namespace);
      if (!hook) continue;
      const entry = byOwner.get(hook.ref) ?? { url: hook.url, behind: [] };
      entry.behind.push({ ref, ...(typeof entity.spec.title === 'string' ? { title: entity.spec.title } : {}) });
      byOwner.set(hook.ref, entry);
    }
    const { metadata, spec } = initiative;
    const key = keyOf(initiative);
    const dashboardUrl = this.link(`/initiatives/${metadata.namespace}/${metadata.name}`);
    for (const [owner, { url, behind }] of byOwner) {
      notifier.send({
        // The uid and deadline: a recreated initiative, or one given a new deadline, reminds again.
        key: `remind|${metadata.uid}|${spec.deadline}|${milestone}|${owner}`,
        url,
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

  /** The webhook of an owner (a Group or User with the annotation), if it has one. */
  private webhookOf(owner: unknown, namespace: string): { ref: string; url: string } | undefined {
    if (typeof owner !== 'string') return undefined;
    const parsed = parseRef(owner, { defaultKind: 'Group', namespace });
    if ('error' in parsed) return undefined;
    const ref = formatRef(parsed);
    const url = this.options.entity(ref)?.annotations[WEBHOOK_ANNOTATION];
    return url ? { ref, url } : undefined;
  }

  private link(path: string): string | undefined {
    return this.options.dashboardUrl ? `${this.options.dashboardUrl.replace(/\/$/, '')}${path}` : undefined;
  }
}
