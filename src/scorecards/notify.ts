import { Counter, type Registry } from 'prom-client';
import type { Logger } from '../observability/logger.ts';
import { jitteredDelay, type BackoffPolicy } from '../runtime/backoff.ts';
import { sleep, systemClock, type Clock } from '../runtime/clock.ts';

export { escapeSlack, initiativeReminderMessage, levelDropMessage } from './slack.ts';
export type { InitiativeReminderInput, LevelDropInput, SlackBlock, SlackMessage } from './slack.ts';

/** One event to tell someone about. */
export interface Notification {
  /** Identifies the event, e.g. `drop|scorecard|entity|gold>silver|<time>`: each key is sent at most once. */
  key: string;
  /** The webhook, http: or https:; userinfo in it becomes Basic authorization. */
  url: string;
  /** Sent as JSON, e.g. a {@link SlackMessage}. */
  payload: object;
}

/** The label of `greenroom_notifications_total`: sent, given up on, or never (fully) tried. */
export type NotificationResult = 'delivered' | 'failed' | 'dropped';

export interface NotifierOptions {
  logger: Logger;
  registry: Registry;
  fetch?: typeof fetch;
  /** Delays between attempts, jittered (default 1 s doubling to 5 min). */
  backoff?: BackoffPolicy;
  /** Attempts per notification, the first included (default 8). */
  maxAttempts?: number;
  /** One attempt, response body included (default 10 s). */
  timeoutMs?: number;
  random?: () => number;
  clock?: Clock;
  /** How many recent keys are remembered to refuse repeats (default 10,000). */
  recentKeys?: number;
}

interface Target {
  /** Without userinfo. */
  url: string;
  headers: Record<string, string>;
  /** scheme://host/first-segment/… — the only form of the URL that may be logged. */
  redacted: string;
  /** Parts of the URL that must never reach a log line. */
  secrets: string[];
}

type Attempt =
  | { outcome: 'delivered'; status: number }
  | { outcome: 'retry'; reason: string; status?: number; retryAfterMs?: number }
  | { outcome: 'give-up'; reason: string; status: number };

const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 1_000, maxMs: 5 * 60_000 };
/** Enough of an error response to see why (Slack answers e.g. `invalid_payload`, `no_service`). */
const RESPONSE_SNIPPET = 200;

/**
 * Delivers webhook notifications in the background: `send` returns at once, so a reconcile
 * never waits on Slack. Transient failures (429, 5xx, network errors, timeouts) are retried
 * with jittered backoff; other answers are final. Keys already sent or in flight are
 * ignored, so one process sends an event at most once. Webhook URLs carry their secret in
 * the path or query, so only {@link redactUrl}'s form of them is ever logged.
 */
export class Notifier {
  private readonly log: Logger;
  private readonly fetch: typeof fetch;
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
    this.fetch = options.fetch ?? globalThis.fetch;
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
    const target = parseTarget(notification.url);
    const log = this.log.child({ notification: notification.key, target: target.redacted });
    if ('refused' in target) return this.drop(log, `refused: ${target.refused}`);
    if (this.stopping.signal.aborted) return this.drop(log, 'notifier stopped');
    let body: string;
    try {
      body = JSON.stringify(notification.payload);
    } catch (error) {
      return this.drop(log, `payload is not JSON: ${(error as Error).message}`);
    }
    const delivery = this.deliver(target, body, log)
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

  private async deliver(target: Target, body: string, log: Logger): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const result = await this.attempt(target, body);
      this.attempts.inc();
      if (result.outcome === 'delivered') {
        this.results.inc({ result: 'delivered' });
        log.info({ status: result.status, attempts: attempt }, 'notification delivered');
        return;
      }
      if (result.outcome === 'give-up' || attempt >= this.maxAttempts) {
        this.results.inc({ result: 'failed' });
        const why = result.outcome === 'give-up' ? 'the receiver refused it' : `no success in ${attempt} attempts`;
        log.warn({ status: result.status, attempts: attempt, reason: redact(result.reason, target) }, `notification not delivered: ${why}`);
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
      // Redirects are not followed: a POST would turn into a GET, or carry the payload elsewhere.
      const response = await this.fetch(target.url, { method: 'POST', headers: target.headers, body, signal: abort.signal, redirect: 'manual' });
      const text = (await response.text()).slice(0, RESPONSE_SNIPPET);
      const { status } = response;
      if (status >= 200 && status < 300) return { outcome: 'delivered', status };
      const reason = `HTTP ${status}${text ? `: ${text}` : ''}`;
      if (status === 429 || status >= 500) {
        const retryAfterMs = retryAfter(response.headers.get('retry-after'));
        return { outcome: 'retry', reason, status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
      }
      return { outcome: 'give-up', reason, status };
    } catch (error) {
      return { outcome: 'retry', reason: abort.signal.aborted ? `timed out after ${this.timeoutMs} ms` : describe(error) };
    } finally {
      this.clock.clearTimeout(timer);
    }
  }

  private drop(log: Logger, reason: string, details: object = {}): void {
    this.results.inc({ result: 'dropped' });
    log.warn({ ...details, reason }, 'notification dropped');
  }

  private remember(key: string): void {
    this.keys.add(key);
    for (const oldest of this.keys) {
      if (this.keys.size <= this.recentKeys) break;
      this.keys.delete(oldest);
    }
  }
}

/** scheme://host/first-path-segment/… — no userinfo, no query, no fragment, no further path. */
export function redactUrl(url: URL): string {
  const segments = url.pathname.split('/').filter(Boolean);
  const more = segments.length > 1 || url.search !== '' || url.hash !== '';
  return `${url.protocol}//${url.host}/${segments[0] ?? ''}${segments[0] && more ? '/…' : ''}`;
}

function parseTarget(raw: string): Target | { refused: string; redacted: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { refused: 'not a URL', redacted: '(invalid URL)' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { refused: `${url.protocol} is not http: or https:`, redacted: `${url.protocol}…` };
  const secrets = [raw, url.href, url.pathname, url.search, url.username, url.password].filter((s) => s.length > 1);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  // fetch refuses URLs with credentials (and names the URL in its error): send them as Basic auth.
  if (url.username || url.password) {
    headers.authorization = `Basic ${Buffer.from(`${decode(url.username)}:${decode(url.password)}`).toString('base64')}`;
    url.username = '';
    url.password = '';
  }
  return { url: url.href, headers, redacted: redactUrl(url), secrets: [...secrets, url.href] };
}

/** Retry-After in seconds (HTTP dates are rare from webhooks and fall back to backoff). */
function retryAfter(header: string | null): number | undefined {
  if (header === null || !/^\s*\d+\s*$/.test(header)) return undefined;
  return Number(header) * 1000;
}

/** An error and its cause (fetch's own message is just "fetch failed"). */
function describe(error: unknown): string {
  const e = error as { message?: string; cause?: { code?: string; message?: string } };
  const cause = e.cause?.code ?? e.cause?.message;
  return `${e.message ?? String(error)}${cause ? ` (${cause})` : ''}`;
}

/** Removes any part of the URL an error or a response might echo. */
function redact(text: string, target: Target): string {
  let out = text;
  for (const secret of [...target.secrets].sort((a, b) => b.length - a.length)) out = out.split(secret).join('…');
  return out;
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

function registerNotificationMetrics(registry: Registry): [Counter<'result'>, Counter] {
  for (const name of ['greenroom_notifications_total', 'greenroom_notification_attempts_total']) {
    if (registry.getSingleMetric(name)) registry.removeSingleMetric(name);
  }
  const results = new Counter({
    name: 'greenroom_notifications_total',
    help: 'Notifications by how they ended: delivered, failed (refused or out of attempts) or dropped (never fully tried).',
    labelNames: ['result'],
    registers: [registry],
  });
  for (const result of ['delivered', 'failed', 'dropped'] satisfies NotificationResult[]) results.inc({ result }, 0);
  const attempts = new Counter({
    name: 'greenroom_notification_attempts_total',
    help: 'Webhook requests made for notifications, retries included.',
    registers: [registry],
  });
  return [results, attempts];
}
