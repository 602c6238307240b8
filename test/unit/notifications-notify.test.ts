import { afterEach, describe, expect, it } from '@jest/globals';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import { createLogger } from '../../src/observability/logger.ts';
import type { BackoffPolicy } from '../../src/runtime/backoff.ts';
import { systemClock, type Clock } from '../../src/runtime/clock.ts';
import { Notifier, type NotificationResult, type NotifierOptions } from '../../src/notifications/notify.ts';
import type { OutboundPolicy } from '../../src/outbound/host-policy.ts';
import type { Resolve } from '../../src/outbound/pinned-request.ts';
import { initiativeReminderMessage, levelDropMessage, type SlackMessage } from '../../src/notifications/slack.ts';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}
/** What the receiver answers to the n-th request (0-based); `hold` leaves it unanswered until released. */
type Answer = { status: number; headers?: Record<string, string>; body?: string } | 'hold';

const FAST: BackoffPolicy = { initialMs: 5, maxMs: 10 };
const SLOW: BackoffPolicy = { initialMs: 60_000, maxMs: 120_000 };
const closers: (() => Promise<void>)[] = [];
/** The receivers here listen on 127.0.0.1: a test or demo policy. */
const LOOPBACK_ALLOWED: OutboundPolicy = { allowedHosts: ['127.0.0.1'], allowPrivateAddresses: true };

afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** A real webhook receiver on 127.0.0.1 answering in turn; the last answer repeats. */
async function receiver(...answers: Answer[]) {
  const requests: Seen[] = [];
  const held: ServerResponse[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const answer = answers[Math.min(requests.length, answers.length - 1)] ?? { status: 200 };
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      if (answer === 'hold') return void held.push(res);
      res.writeHead(answer.status, answer.headers).end(answer.body ?? 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = async (): Promise<void> => {
    for (const res of held.splice(0)) res.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  closers.push(close);
  /** Answers every held request with 200. */
  const release = (): void => {
    for (const res of held.splice(0)) res.writeHead(200).end('ok');
  };
  return { origin: `http://127.0.0.1:${port}`, url: `http://127.0.0.1:${port}/services/T000/B000/XXXX`, requests, held, release, close };
}

/** A notifier whose JSON log lines land in `logs()`. */
function newNotifier(options: Partial<NotifierOptions> = {}) {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  const registry = new Registry();
  const notifier = new Notifier({ logger: createLogger('debug', stream), registry, backoff: FAST, policy: LOOPBACK_ALLOWED, ...options });
  closers.push(() => notifier.stop());
  const count = async (result: NotificationResult): Promise<number> => {
    const metric = await registry.getSingleMetric('greenroom_notifications_total')!.get();
    return metric.values.find((v) => v.labels.result === result)?.value ?? 0;
  };
  const attempts = async (): Promise<number> =>
    (await registry.getSingleMetric('greenroom_notification_attempts_total')!.get()).values[0]?.value ?? 0;
  return { notifier, logs: () => chunks.join(''), count, attempts };
}

async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const payload = { text: 'hello', blocks: [] };

describe('Notifier delivery', () => {
  it('when send() is called three times with one key, then exactly one POST of the JSON payload is made', async () => {
    const hook = await receiver({ status: 200 });
    const { notifier, count } = newNotifier();
    for (let i = 0; i < 3; i++) notifier.send({ key: 'drop|sc|orders|gold>silver|t1', url: hook.url, payload });
    await notifier.idle();
    notifier.send({ key: 'drop|sc|orders|gold>silver|t1', url: hook.url, payload });
    await notifier.idle();
    expect(hook.requests).toHaveLength(1);
    expect(hook.requests[0]).toMatchObject({ method: 'POST', url: '/services/T000/B000/XXXX' });
    expect(hook.requests[0]!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(hook.requests[0]!.body)).toEqual(payload);
    expect(await count('delivered')).toBe(1);
  });

  it('when send() is called, then it returns before the receiver answers', async () => {
    const hook = await receiver('hold');
    const { notifier, count } = newNotifier();
    notifier.send({ key: 'k', url: hook.url, payload });
    await waitUntil(() => hook.requests.length === 1);
    expect(await count('delivered')).toBe(0);
    hook.release();
    await notifier.idle();
    expect(await count('delivered')).toBe(1);
  });

  it('when the receiver answers 500 then 200, then the notification is retried and delivered once', async () => {
    const hook = await receiver({ status: 500 }, { status: 200 });
    const { notifier, count, attempts } = newNotifier();
    notifier.send({ key: 'k', url: hook.url, payload });
    await notifier.idle();
    expect(hook.requests).toHaveLength(2);
    expect(await count('delivered')).toBe(1);
    expect(await count('failed')).toBe(0);
    expect(await attempts()).toBe(2);
  });

  it('when the receiver answers 400, then it is not retried and the status is logged', async () => {
    const hook = await receiver({ status: 400, body: 'invalid_payload' });
    const { notifier, count, logs } = newNotifier();
    notifier.send({ key: 'k', url: hook.url, payload });
    await notifier.idle();
    expect(hook.requests).toHaveLength(1);
    expect(await count('failed')).toBe(1);
    expect(logs()).toMatch(/"status":400/);
    expect(logs()).toContain('invalid_payload');
  });

  it('when a 429 says Retry-After: 0, then the retry comes at once instead of after the backoff', async () => {
    const hook = await receiver({ status: 429, headers: { 'retry-after': '0' } }, { status: 200 });
    const { notifier, count } = newNotifier({ backoff: SLOW });
    notifier.send({ key: 'k', url: hook.url, payload });
    await notifier.idle();
    expect(hook.requests).toHaveLength(2);
    expect(await count('delivered')).toBe(1);
  });

  it('when the receiver keeps failing, then it gives up after maxAttempts', async () => {
    const hook = await receiver({ status: 503 });
    const { notifier, count, attempts } = newNotifier({ maxAttempts: 3 });
    notifier.send({ key: 'k', url: hook.url, payload });
    await notifier.idle();
    expect(hook.requests).toHaveLength(3);
    expect(await count('failed')).toBe(1);
    expect(await attempts()).toBe(3);
  });

  it('when the receiver does not answer in time, then the attempt times out and is retried', async () => {
    const hook = await receiver('hold', { status: 200 });
    const { notifier, count, logs } = newNotifier({ timeoutMs: 100 });
    notifier.send({ key: 'k', url: hook.url, payload });
    await notifier.idle();
    expect(hook.requests).toHaveLength(2);
    expect(await count('delivered')).toBe(1);
    expect(logs()).toContain('timed out after 100 ms');
  });

  it('when a redirect comes back, then it is not followed and not retried', async () => {
    const hook = await receiver({ status: 302, headers: { location: '/elsewhere' } });
    const { notifier, count } = newNotifier();
    notifier.send({ key: 'k', url: hook.url, payload });
    await notifier.idle();
    expect(hook.requests.map((r) => r.url)).toEqual(['/services/T000/B000/XXXX']);
    expect(await count('failed')).toBe(1);
  });

  it('when more keys than remembered are sent, then the oldest is forgotten', async () => {
    const hook = await receiver({ status: 200 });
    const { notifier } = newNotifier({ recentKeys: 2 });
    for (const key of ['a', 'b', 'c', 'c', 'a']) notifier.send({ key, url: hook.url, payload });
    await notifier.idle();
    expect(hook.requests).toHaveLength(4);
  });
});

describe('Notifier.stop', () => {
  it('when stop() is called while a retry is pending, then the retry is cancelled and no request follows', async () => {
    const hook = await receiver({ status: 500 });
    const delays: number[] = [];
    const clock: Clock = { ...systemClock, setTimeout: (callback, ms) => (delays.push(ms), systemClock.setTimeout(callback, ms)) };
    const { notifier, count } = newNotifier({ backoff: SLOW, random: () => 0, clock });
    notifier.send({ key: 'k', url: hook.url, payload });
    await waitUntil(() => delays.includes(30_000));
    const started = Date.now();
    await notifier.stop();
    expect(Date.now() - started).toBeLessThan(1000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(hook.requests).toHaveLength(1);
    expect(await count('dropped')).toBe(1);
  });

  it('when stop() is called with a request in flight, then it waits for the answer', async () => {
    const hook = await receiver('hold');
    const { notifier, count } = newNotifier();
    notifier.send({ key: 'k', url: hook.url, payload });
    await waitUntil(() => hook.requests.length === 1);
    let stopped = false;
    const stopping = notifier.stop().then(() => (stopped = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(stopped).toBe(false);
    hook.release();
    await stopping;
    expect(await count('delivered')).toBe(1);
  });

  it('when send() is called after stop(), then nothing is sent', async () => {
    const hook = await receiver({ status: 200 });
    const { notifier, count } = newNotifier();
    await notifier.stop();
    notifier.send({ key: 'k', url: hook.url, payload });
    await notifier.idle();
    expect(hook.requests).toHaveLength(0);
    expect(await count('dropped')).toBe(1);
  });
});

describe('Notifier and webhook secrets', () => {
  it('when the URL carries a token, credentials and a secret path, then none of them reaches the logs', async () => {
    const hook = await receiver(
      { status: 500, body: 'boom at /services/T000/B000/XXXX?token=s3cr3t' },
      { status: 404, body: 'no_service' },
    );
    const { notifier, count, logs } = newNotifier();
    const url = `http://bot:pa55word@${hook.origin.slice('http://'.length)}/services/T000/B000/XXXX?token=s3cr3t`;
    notifier.send({ key: 'k', url, payload });
    await notifier.idle();
    expect(hook.requests).toHaveLength(2);
    expect(hook.requests[0]!.url).toBe('/services/T000/B000/XXXX?token=s3cr3t');
    expect(hook.requests[0]!.headers.authorization).toBe(`Basic ${Buffer.from('bot:pa55word').toString('base64')}`);
    expect(await count('failed')).toBe(1);
    const text = logs();
    expect(text).toContain(`"target":"${hook.origin}/services/…"`);
    expect(text).toContain('no_service');
    for (const secret of ['s3cr3t', 'token=', 'XXXX', 'B000', 'pa55word', 'bot:']) expect(text).not.toContain(secret);
  });

  it('when nothing listens at the URL, then the network error is retried and logged without the token', async () => {
    const hook = await receiver({ status: 200 });
    await hook.close();
    const { notifier, count, logs } = newNotifier({ maxAttempts: 2 });
    notifier.send({ key: 'k', url: `${hook.url}?token=s3cr3t`, payload });
    await notifier.idle();
    expect(await count('failed')).toBe(1);
    expect(logs()).toContain('ECONNREFUSED');
    expect(logs()).not.toContain('s3cr3t');
  });

  it.each(['ftp://example.com/hook?token=s3cr3t', 'file:///etc/passwd?token=s3cr3t', 'not a url s3cr3t'])(
    'when the URL is %s, then it is refused with a log line and never fetched',
    async (url) => {
      const resolved: string[] = [];
      const resolve: Resolve = async (hostname) => (resolved.push(hostname), [{ address: '127.0.0.1', family: 4 }]);
      const { notifier, count, logs } = newNotifier({ resolve, policy: { allowedHosts: ['*'], allowPrivateAddresses: true } });
      notifier.send({ key: 'k', url, payload });
      await notifier.idle();
      expect(resolved).toEqual([]);
      expect(await count('refused')).toBe(1);
      expect(logs()).toContain('refused');
      expect(logs()).not.toContain('s3cr3t');
    },
  );
});

describe('Notifier and where webhooks may point (SSRF)', () => {
  const strict: OutboundPolicy = { allowedHosts: ['127.0.0.1', 'hooks.test', '169.254.169.254'], allowPrivateAddresses: false };

  it('when a webhook names 127.0.0.1 and private addresses are not allowed, then the receiver gets nothing and the refusal is counted and logged', async () => {
    const hook = await receiver({ status: 200 });
    const { notifier, count, attempts, logs } = newNotifier({ policy: strict });
    notifier.send({ key: 'k', url: hook.url, payload });
    await notifier.idle();
    expect(hook.requests).toHaveLength(0);
    expect(await count('refused')).toBe(1);
    expect(await attempts()).toBe(0);
    expect(logs()).toContain('127.0.0.1 is a loopback address');
    expect(logs()).not.toContain('XXXX');
  });

  it.each([
    ['the cloud metadata address', true, 'http://169.254.169.254/latest/meta-data/iam'],
    ['the unspecified address', true, 'http://0.0.0.0:9/hook'],
    ['an IPv4-mapped loopback address', false, 'http://[::ffff:127.0.0.1]:9/hook'],
  ])(
    'when a webhook names %s (private addresses allowed: %s), then it is refused before any connection',
    async (_what, allowPrivateAddresses, url) => {
      const { notifier, count, attempts } = newNotifier({ policy: { allowedHosts: ['*'], allowPrivateAddresses } });
      notifier.send({ key: 'k', url, payload });
      await notifier.idle();
      expect(await count('refused')).toBe(1);
      expect(await attempts()).toBe(0);
    },
  );

  it('when a webhook host is not on the allow-list, then it is refused without a look-up, though it would reach a receiver', async () => {
    const hook = await receiver({ status: 200 });
    const resolved: string[] = [];
    const resolve: Resolve = async (hostname) => (resolved.push(hostname), [{ address: '127.0.0.1', family: 4 }]);
    const { notifier, count, logs } = newNotifier({ resolve });
    notifier.send({ key: 'k', url: hook.url.replace('127.0.0.1', 'localhost'), payload });
    await notifier.idle();
    expect(hook.requests).toHaveLength(0);
    expect(resolved).toEqual([]);
    expect(await count('refused')).toBe(1);
    expect(logs()).toContain('host localhost is not in the webhook allow-list');
  });

  it('when an allowed name resolves to a public and a link-local address, then it is refused', async () => {
    const resolve: Resolve = async () => [
      { address: '93.184.216.34', family: 4 },
      { address: '169.254.169.254', family: 4 },
    ];
    const { notifier, count, logs } = newNotifier({ resolve, policy: strict });
    notifier.send({ key: 'k', url: 'https://hooks.test/services/T/B/x', payload });
    await notifier.idle();
    expect(await count('refused')).toBe(1);
    expect(logs()).toContain('hooks.test resolves to a linkLocal address, never a webhook receiver');
    expect(logs()).not.toContain('169.254.169.254');
  });

  it('when an allowed name resolves to an allowed address, then the request goes to exactly that address with the name as Host, resolved once', async () => {
    const hook = await receiver({ status: 200 });
    const port = new URL(hook.origin).port;
    const resolved: string[] = [];
    // hooks.test exists only in this resolver: a second, system look-up at connect time would fail.
    const resolve: Resolve = async (hostname) => (resolved.push(hostname), [{ address: '127.0.0.1', family: 4 }]);
    const { notifier, count } = newNotifier({ resolve, policy: { allowedHosts: ['hooks.test'], allowPrivateAddresses: true } });
    notifier.send({ key: 'k', url: `http://hooks.test:${port}/services/T/B/x`, payload });
    await notifier.idle();
    expect(await count('delivered')).toBe(1);
    expect(resolved).toEqual(['hooks.test']);
    expect(hook.requests[0]!.headers.host).toBe(`hooks.test:${port}`);
  });

  it('when the receiver streams an answer without end, then only maxResponseBytes are read and the attempt ends with its status', async () => {
    const server = createServer((req, res) => {
      req.resume();
      res.writeHead(400);
      const chunk = 'x'.repeat(4096);
      const pump = setInterval(() => res.write(chunk), 1);
      res.on('close', () => clearInterval(pump));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });
    const { notifier, count, attempts } = newNotifier({ maxResponseBytes: 16 * 1024, timeoutMs: 120_000 });
    notifier.send({ key: 'k', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, payload });
    await notifier.idle();
    expect(await count('failed')).toBe(1);
    expect(await attempts()).toBe(1);
  });
});

describe('Notifier and webhook URLs kept in Secrets', () => {
  const secret = { namespace: 'shop', name: 'team-a-webhook', key: 'url' };

  it('when a notification names a Secret, then the URL is read from it when sending and the receiver gets the message', async () => {
    const hook = await receiver({ status: 200 });
    const read: unknown[] = [];
    const { notifier, count } = newNotifier({ readSecret: async (ref) => (read.push(ref), hook.url) });
    notifier.send({ key: 'k', secret, payload });
    await notifier.idle();
    expect(read).toEqual([secret]);
    expect(hook.requests).toHaveLength(1);
    expect(await count('delivered')).toBe(1);
  });

  it('when the Secret cannot be read, then the notification is dropped and its owner told why', async () => {
    const told: string[] = [];
    const { notifier, count, logs } = newNotifier({
      readSecret: async () => Promise.reject(new Error('Secret shop/team-a-webhook does not exist')),
    });
    notifier.send({ key: 'k', secret, payload, onUndelivered: (result, reason) => void told.push(`${result}: ${reason}`) });
    await notifier.idle();
    expect(await count('dropped')).toBe(1);
    expect(told).toEqual([
      'dropped: the webhook URL could not be read from key url of Secret shop/team-a-webhook: Secret shop/team-a-webhook does not exist',
    ]);
    expect(logs()).toContain('does not exist');
  });

  it('when the Secret holds a URL the policy refuses, then its owner is told without the secret part of the URL', async () => {
    const told: string[] = [];
    const { notifier, count } = newNotifier({ readSecret: async () => 'https://evil.example/services/T/B/s3cr3t' });
    notifier.send({ key: 'k', secret, payload, onUndelivered: (result, reason) => void told.push(`${result}: ${reason}`) });
    await notifier.idle();
    expect(await count('refused')).toBe(1);
    expect(told).toEqual(['refused: host evil.example is not in the webhook allow-list (--webhook-allowed-hosts)']);
  });
});

/** The Block Kit limits these messages must respect. */
function expectValidSlack(message: SlackMessage): void {
  expect(typeof message.text).toBe('string');
  expect(message.text.length).toBeGreaterThan(0);
  expect(message.blocks.length).toBeGreaterThan(0);
  expect(message.blocks.length).toBeLessThanOrEqual(50);
  for (const block of message.blocks) {
    if (block.type === 'header') {
      expect(block.text.type).toBe('plain_text');
      expect(block.text.text.length).toBeLessThanOrEqual(150);
    } else if (block.type === 'section') {
      expect(block.text.type).toBe('mrkdwn');
      expect(block.text.text.length).toBeGreaterThan(0);
      expect(block.text.text.length).toBeLessThanOrEqual(3000);
    } else {
      expect(block.elements.length).toBeGreaterThan(0);
      expect(block.elements.length).toBeLessThanOrEqual(10);
      for (const element of block.elements) expect(element.text.length).toBeLessThanOrEqual(3000);
    }
  }
  expect(message.blocks[0]!.type).toBe('header');
}

/** Every `<` and `>` left is a link's own bracket. */
function withoutLinks(text: string): string {
  return text.replace(/<https?:\/\/[^<>|]+\|[^<>]*>/g, '');
}

describe('Slack messages', () => {
  const drop = {
    entityRef: 'component:team-a/orders',
    entityTitle: 'orders',
    owner: 'group:team-a/payments',
    scorecard: 'platform/production-readiness',
    scorecardTitle: 'Production readiness',
    from: 'gold',
    to: 'silver',
    failing: [{ rule: 'has-pdb', message: 'No PodDisruptionBudget covers the pods' }],
    dashboardUrl: 'https://portal.example.com/scorecards/platform/production-readiness?entity=orders&tab=rules',
  };

  it('when a level drops, then the message says from what to what on which scorecard, with a link', () => {
    const message = levelDropMessage(drop);
    expectValidSlack(message);
    expect(message.text).toBe('orders dropped from gold to silver on Production readiness');
    const json = JSON.stringify(message);
    expect(json).toContain('<https://portal.example.com/scorecards/platform/production-readiness?entity=orders&amp;tab=rules|orders>');
    expect(json).toContain('has-pdb');
    expect(json).toContain('No PodDisruptionBudget covers the pods');
  });

  it('when titles hold <script> and &, then they are escaped everywhere', () => {
    const message = levelDropMessage({
      ...drop,
      entityTitle: '<script>alert(1)</script> & <!channel>',
      scorecardTitle: 'R&D <b>',
      failing: [{ rule: 'x<y', message: 'a > b & c' }],
    });
    expectValidSlack(message);
    expect(message.text).toBe(
      '&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;!channel&gt; dropped from gold to silver on R&amp;D &lt;b&gt;',
    );
    const texts = [message.text, ...message.blocks.flatMap((b) => (b.type === 'context' ? b.elements.map((e) => e.text) : [b.text.text]))];
    for (const text of texts) {
      expect(withoutLinks(text)).not.toMatch(/[<>]/);
      expect(text).not.toMatch(/&(?!amp;|lt;|gt;)/);
    }
    expect(JSON.stringify(message)).toContain('x&lt;y* — a &gt; b &amp; c');
  });

  it('when more than five rules fail, then five are listed and the rest counted', () => {
    const failing = Array.from({ length: 7 }, (_, i) => ({ rule: `rule-${i}`, message: `fails ${i}` }));
    const message = levelDropMessage({ ...drop, to: '', failing });
    expectValidSlack(message);
    expect(message.text).toBe('orders dropped from gold to no level on Production readiness');
    const json = JSON.stringify(message);
    expect(json).toContain('rule-4');
    expect(json).not.toContain('rule-5');
    expect(json).toContain('…and 2 more');
  });

  it('when the dashboard URL is not http(s), then no link is made', () => {
    const message = levelDropMessage({ ...drop, dashboardUrl: 'javascript:alert(1)' });
    expect(JSON.stringify(message)).not.toContain('javascript:');
  });

  it('when every piece of text is huge and full of &, then the blocks still fit Slack limits', () => {
    const huge = '&'.repeat(5000);
    const failing = Array.from({ length: 20 }, () => ({ rule: huge, message: huge }));
    expectValidSlack(
      levelDropMessage({
        ...drop,
        entityTitle: huge,
        scorecardTitle: huge,
        from: huge,
        to: huge,
        failing,
        dashboardUrl: `https://x.example/?${huge}`,
      }),
    );
    const behind = Array.from({ length: 50 }, (_, i) => ({ ref: `component:a/${i}${huge}`, title: huge }));
    expectValidSlack(
      initiativeReminderMessage({
        initiative: huge,
        title: huge,
        owner: huge,
        deadline: huge,
        milestone: '7d',
        behind,
        atTarget: 1,
        total: 51,
        target: huge,
      }),
    );
  });

  it('when an initiative milestone is reached, then owners are reminded how many entities are behind and by when', () => {
    const message = initiativeReminderMessage({
      initiative: 'platform/prod-ready-q3',
      title: 'Production readiness',
      owner: 'group:team-a/payments',
      deadline: '2025-09-30T00:00:00Z',
      milestone: '14d',
      behind: [{ ref: 'component:team-a/orders', title: 'Orders' }, { ref: 'component:team-a/cart' }, { ref: 'component:team-a/billing' }],
      atTarget: 2,
      total: 5,
      target: 'gold',
      dashboardUrl: 'https://portal.example.com/initiatives/platform/prod-ready-q3',
    });
    expectValidSlack(message);
    expect(message.text).toBe('Reminder: 3 of your entities are not at gold for Production readiness, due in 14 days');
    const json = JSON.stringify(message);
    expect(json).toContain('<https://portal.example.com/initiatives/platform/prod-ready-q3|Production readiness>');
    expect(json).toContain('Orders (`component:team-a/orders`)');
    expect(json).toContain('2025-09-30');
  });

  it('when the deadline itself is reached with one entity behind, then the wording follows', () => {
    const message = initiativeReminderMessage({
      initiative: 'platform/q3',
      owner: 'group:a/b',
      deadline: '2025-09-30T00:00:00Z',
      milestone: '0d',
      behind: [{ ref: 'component:a/x' }],
      atTarget: 0,
      total: 1,
    });
    expect(message.text).toBe('Reminder: 1 of your entities is not at the target for platform/q3, due today');
  });
});
