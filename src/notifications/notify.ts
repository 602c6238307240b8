import { Counter, type Registry } from 'prom-client';
import type { Logger } from '../observability/logger.ts';
import { jitteredDelay, type BackoffPolicy } from '../runtime/backoff.ts';
import { sleep, systemClock, type Clock } from '../runtime/clock.ts';
import type { OutboundPolicy } from '../outbound/host-policy.ts';
import { pinnedAddress, postPinned, systemResolve, type Resolve } from '../outbound/pinned-request.ts';
import type { SecretKeyRef, SecretKeyReader } from './webhook-secret.ts';
import { parseTarget, redact, type Target } from './webhook-target.ts';

export { redactUrl } from './webhook-target.ts';

export { escapeSlack, initiativeReminderMessage, levelDropMessage } from './slack.ts';
export type { InitiativeReminderInput, LevelDropInput, SlackBlock, SlackMessage } from './slack.ts';

/** One event to tell someone about, and the webhook to tell it to. */
export type Notification = {
  /** Identifies the event, e.g. `drop|scorecard|entity|gold>silver|<time>`: each key is sent at most once. */
  key: string;
  /** Sent as JSON, e.g. a {@link SlackMessage}. */
  payload: object;
  /**
   * Told once when the notification ends undelivered for a reason its owner can fix (the
   * destination refused, the Secret unreadable, the receiver failing); not when the notifier
   * stops. The reason never holds more of the URL than {@link redactUrl} shows.
   */
  onUndelivered?: (result: Exclude<NotificationResult, 'delivered'>, reason: string) => void;
} &
  /** The webhook, http: or https:; userinfo in it becomes Basic authorization. */
  (
    | { url: string }
    /** The Secret key holding that URL, read when the notification is sent. */
    | { secret: SecretKeyRef }
  );

/**
 * The label of `greenroom_notifications_total`: sent, given up on, never (fully) tried, or
 * refused by the webhook policy (scheme, host or address not allowed).
 */
export type NotificationResult = 'delivered' | 'failed' | 'dropped' | 'refused';

export interface NotifierOptions {
  logger: Logger;
  registry: Registry;
  /** Which hosts and addresses webhooks may reach. */
  policy: OutboundPolicy;
  /** Name resolution, done once per attempt and pinned (default: `dns.lookup`). */
  resolve?: Resolve;
  /** Reads webhook URLs of `secret` notifications; those are dropped without it. */
  readSecret?: SecretKeyReader;
  /** Delays between attempts, jittered (default 1 s doubling to 5 min). */
  backoff?: BackoffPolicy;
  /** Attempts per notification, the first included (default 8). */
  maxAttempts?: number;
  /** One attempt, name resolution and response body included (default 10 s). */
  timeoutMs?: number;
  /** Bytes of a response read at most (default 64 KiB). */
  maxResponseBytes?: number;
  random?: () => number;
  clock?: Clock;
  /** How many recent keys are remembered to refuse repeats (default 10,000). */
  recentKeys?: number;
}

type Attempt =
  | { outcome: 'delivered'; status: number }
  | { outcome: 'refused'; reason: string }
  | { outcome: 'retry'; reason: string; status?: number; retryAfterMs?: number }
  | { outcome: 'give-up'; reason: string; status: number };

const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 1_000, maxMs: 5 * 60_000 };
/** Enough of an error response to see why (Slack answers e.g. `invalid_payload`, `no_service`). */
const RESPONSE_SNIPPET = 200;
const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * Delivers webhook notifications in the background: `send` returns at once, so a reconcile
 * never waits on Slack. Transient failures (429, 5xx, network errors, timeouts) are retried
 * with jittered backoff; other answers are final. Keys already sent or in flight are
 * ignored, so one process sends an event at most once. Webhook URLs carry their secret in
 * the path or query, so only {@link redactUrl}'s form of them is ever logged.
 *
 * Webhook URLs are written by tenants, so the operator is careful where it connects: only
 * hosts of the {@link OutboundPolicy}'s allow-list, only to addresses the policy admits once
 * the name is resolved, to exactly the address that was checked, without following
 * redirects, and reading at most `maxResponseBytes` within `timeoutMs`.
 */
export class Notifier {
  private readonly log: Logger;
  private readonly policy: OutboundPolicy;
  private readonly resolve: Resolve;
  private readonly readSecret: SecretKeyReader | undefined;
  private readonly maxResponseBytes: number;
  private readonly backoff: BackoffPolicy;
  private readonly maxAttempts: number;
  private readonly timeoutMs: number;
  private readonly random: () => number;
  private readonly clock: Clock;
  private readonly recentKeys: number;
  /** Insertion-ordered, so the oldest key is the first to be forgotten. */
  private readonly keys = new Set<string>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly stopping = new AbortController();
  private readonly results: Counter<'result'>;
  private readonly attempts: Counter;

  constructor(options: NotifierOptions) {
    this.log = options.logger.child({ component: 'notifier' });
    this.policy = options.policy;
    this.resolve = options.resolve ?? systemResolve;
    this.readSecret = options.readSecret;
    this.maxResponseBytes = Math.max(1, options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES);
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 8);
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.random = options.random ?? Math.random;
    this.clock = options.clock ?? systemClock;
    this.recentKeys = Math.max(1, options.recentKeys ?? 10_000);
    [this.results, this.attempts] = registerNotificationMetrics(options.registry);
  }

  /** Queues a notification and returns at once; never throws. */
  send(notification: Notification): void {
    if (this.keys.has(notification.key)) {
      this.log.debug({ notification: notification.key }, 'notification already sent or in flight, ignored');
      return;
    }
    this.remember(notification.key);
    const log = this.log.child({ notification: notification.key });
    if (this.stopping.signal.aborted) return this.drop(log, 'notifier stopped');
    let body: string;
    try {
      body = JSON.stringify(notification.payload);
    } catch (error) {
      return this.drop(log, `payload is not JSON: ${(error as Error).message}`);
    }
    const delivery = this.start(notification, body, log)
      .catch((error: unknown) => {
        // Only a bug gets here (attempts catch their own errors); the caller never sees it.
        this.results.inc({ result: 'failed' });
        log.error({ reason: describe(error) }, 'notification delivery failed unexpectedly');
      })
      .finally(() => this.inFlight.delete(delivery));
    this.inFlight.add(delivery);
  }

  /** Resolves once every notification accepted so far is delivered, given up on or dropped. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /**
   * Cancels pending retries and waits for requests in flight (each bounded by `timeoutMs`).
   * Later `send`s are dropped.
   */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.idle();
  }

  /** Finds the URL (reading its Secret), checks its scheme and host, then delivers. */
  private async start(notification: Notification, body: string, log: Logger): Promise<void> {
    let raw: string;
    if ('url' in notification) raw = notification.url;
    else {
      const { namespace, name, key } = notification.secret;
      if (!this.readSecret) return this.drop(log, `no Secret reader to read Secret ${namespace}/${name}`, {}, notification);
      try {
        raw = await this.readSecret(notification.secret);
      } catch (error) {
        return this.drop(
          log,
          `the webhook URL could not be read from key ${key} of Secret ${namespace}/${name}: ${describe(error)}`,
          {},
          notification,
        );
      }
    }
    const target = parseTarget(raw, this.policy);
    const targetLog = log.child({ target: target.redacted });
    if ('refused' in target) return this.refuse(targetLog, target.refused, notification);
    await this.deliver(target, body, targetLog, notification);
  }

  private async deliver(target: Target, body: string, log: Logger, notification: Notification): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const result = await this.attempt(target, body);
      if (result.outcome === 'refused') return this.refuse(log, result.reason, notification);
      this.attempts.inc();
      if (result.outcome === 'delivered') {
        this.results.inc({ result: 'delivered' });
        log.info({ status: result.status, attempts: attempt }, 'notification delivered');
        return;
      }
      if (result.outcome === 'give-up' || attempt >= this.maxAttempts) {
        this.results.inc({ result: 'failed' });
        const why = result.outcome === 'give-up' ? 'the receiver refused it' : `no success in ${attempt} attempts`;
        const reason = redact(result.reason, target);
        log.warn({ status: result.status, attempts: attempt, reason }, `notification not delivered: ${why}`);
        notification.onUndelivered?.('failed', `${why} (${target.redacted}): ${reason}`);
        return;
      }
      const last = { status: result.status, lastError: redact(result.reason, target) };
      if (this.stopping.signal.aborted) return this.drop(log, 'notifier stopped before a retry', last);
      // A server asking for more than the backoff cap gets the cap: retries stay in memory.
      const delayMs = Math.min(result.retryAfterMs ?? jitteredDelay(attempt - 1, this.backoff, this.random), this.backoff.maxMs);
      log.info({ ...last, attempt, delayMs }, 'notification not delivered yet, will retry');
      await sleep(this.clock, delayMs, this.stopping.signal);
      if (this.stopping.signal.aborted) return this.drop(log, 'notifier stopped before a retry', last);
    }
  }

  private async attempt(target: Target, body: string): Promise<Attempt> {
    const abort = new AbortController();
    const timer = this.clock.setTimeout(() => abort.abort(), this.timeoutMs);
    try {
      // Resolved once per attempt and pinned: the address checked is the address connected to.
      const address = await untilAborted(pinnedAddress(target.url, this.policy, this.resolve), abort.signal);
      if ('refused' in address) return { outcome: 'refused', reason: address.refused };
      // Redirects are not followed: a POST would turn into a GET, or carry the payload elsewhere.
      const answer = await postPinned(target.url, address, {
        headers: target.headers,
        body,
        signal: abort.signal,
        maxResponseBytes: this.maxResponseBytes,
      });
      const text = answer.body.slice(0, RESPONSE_SNIPPET);
      const { status } = answer;
      if (status >= 200 && status < 300) return { outcome: 'delivered', status };
      const reason = `HTTP ${status}${text ? `: ${text}` : ''}`;
      if (status === 429 || status >= 500) {
        const retryAfterMs = retryAfter(answer.retryAfter);
        return { outcome: 'retry', reason, status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
      }
      return { outcome: 'give-up', reason, status };
    } catch (error) {
      return { outcome: 'retry', reason: abort.signal.aborted ? `timed out after ${this.timeoutMs} ms` : describe(error) };
    } finally {
      this.clock.clearTimeout(timer);
    }
  }

  private drop(log: Logger, reason: string, details: object = {}, notification?: Notification): void {
    this.results.inc({ result: 'dropped' });
    log.warn({ ...details, reason }, 'notification dropped');
    notification?.onUndelivered?.('dropped', reason);
  }

  /** Nothing was sent: the webhook policy does not allow the destination. */
  private refuse(log: Logger, reason: string, notification: Notification): void {
    this.results.inc({ result: 'refused' });
    log.warn({ reason }, 'notification refused: destination not allowed');
    notification.onUndelivered?.('refused', reason);
  }

  private remember(key: string): void {
    this.keys.add(key);
    for (const oldest of this.keys) {
      if (this.keys.size <= this.recentKeys) break;
      this.keys.delete(oldest);
    }
  }
}

/** Rejects when `signal` aborts first: name resolution cannot be cancelled, but need not be waited for. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const aborted = (): void => reject(new Error('aborted'));
    if (signal.aborted) return aborted();
    signal.addEventListener('abort', aborted, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', aborted));
  });
}

/** Retry-After in seconds (HTTP dates are rare from webhooks and fall back to backoff). */
function retryAfter(header: string | undefined): number | undefined {
  if (header === undefined || !/^\s*\d+\s*$/.test(header)) return undefined;
  return Number(header) * 1000;
}

/** An error and its cause (fetch's own message is just "fetch failed"). */
function describe(error: unknown): string {
  const e = error as { message?: string; cause?: { code?: string; message?: string } };
  const cause = e.cause?.code ?? e.cause?.message;
  return `${e.message ?? String(error)}${cause ? ` (${cause})` : ''}`;
}

function registerNotificationMetrics(registry: Registry): [Counter<'result'>, Counter] {
  for (const name of ['greenroom_notifications_total', 'greenroom_notification_attempts_total']) {
    if (registry.getSingleMetric(name)) registry.removeSingleMetric(name);
  }
  const results = new Counter({
    name: 'greenroom_notifications_total',
    help: 'Notifications by how they ended: delivered, failed (the receiver refused, or out of attempts), dropped (never fully tried) or refused (destination not allowed by the webhook policy).',
    labelNames: ['result'],
    registers: [registry],
  });
  for (const result of ['delivered', 'failed', 'dropped', 'refused'] satisfies NotificationResult[]) results.inc({ result }, 0);
  const attempts = new Counter({
    name: 'greenroom_notification_attempts_total',
    help: 'Webhook requests made for notifications, retries included.',
    registers: [registry],
  });
  return [results, attempts];
}
