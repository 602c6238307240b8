import { describe, expect, it } from '@jest/globals';
import { parseOperatorConfig } from '../../src/config.ts';
import { addressRefusal, DEFAULT_WEBHOOK_ALLOWED_HOSTS, hostRefusal, type OutboundPolicy } from '../../src/outbound/host-policy.ts';
import { DEFAULT_WEBHOOK_SECRET_KEY, parseWebhookSecretRef } from '../../src/notifications/webhook-secret.ts';

const strict: OutboundPolicy = { allowedHosts: DEFAULT_WEBHOOK_ALLOWED_HOSTS, allowPrivateAddresses: false };
const relaxed: OutboundPolicy = { allowedHosts: ['*.example.com', '127.0.0.1', '[::1]'], allowPrivateAddresses: true };

describe('webhook host allow-list', () => {
  it.each([
    [strict, 'hooks.slack.com'],
    [strict, 'HOOKS.SLACK.COM.'],
    [relaxed, 'chat.example.com'],
    [relaxed, 'a.b.example.com'],
    [relaxed, '127.0.0.1'],
    [relaxed, '[::1]'],
    [{ allowedHosts: ['*'], allowPrivateAddresses: false }, 'anything.internal'],
  ])('when the allow-list is %j and the host is %s, then it is allowed', (policy, host) => {
    expect(hostRefusal(policy, host)).toBeUndefined();
  });

  it.each([
    [strict, 'hooks.slack.com.evil.example'],
    [strict, 'evilhooks.slack.com'],
    [strict, 'kubernetes.default.svc'],
    [relaxed, 'example.com'],
    [relaxed, 'evilexample.com'],
    [relaxed, '127.0.0.2'],
  ])('when the allow-list is %j and the host is %s, then it is refused naming the flag', (policy, host) => {
    expect(hostRefusal(policy, host)).toMatch(/is not in the webhook allow-list \(--webhook-allowed-hosts\)/);
  });
});

describe('webhook addresses', () => {
  it.each(['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'])(
    'when the address %s is public, then it is allowed by any policy',
    (address) => {
      expect(addressRefusal(strict, address)).toBeUndefined();
    },
  );

  it.each([
    ['127.0.0.1', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['10.96.0.1', 'private'],
    ['172.16.5.4', 'private'],
    ['192.168.1.1', 'private'],
    ['fd00:ec2::254', 'uniqueLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
  ])('when the address %s is %s, then it is refused unless private addresses are allowed', (address, range) => {
    expect(addressRefusal(strict, address)).toBe(`${address} is a ${range} address (allowed only with --webhook-allow-private-addresses)`);
    expect(addressRefusal(relaxed, address)).toBeUndefined();
  });

  it.each([
    ['169.254.169.254', 'linkLocal'],
    ['fe80::1', 'linkLocal'],
    ['::ffff:169.254.169.254', 'linkLocal'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['64:ff9b::a9fe:a9fe', 'rfc6052'],
  ])('when the address %s is %s, then it is refused even with private addresses allowed', (address, range) => {
    expect(addressRefusal(relaxed, address)).toBe(`${address} is a ${range} address, never a webhook receiver`);
  });

  it('when a resolved address is refused, then the message names the host and not the address', () => {
    expect(addressRefusal(strict, '10.96.0.1', 'hooks.slack.com')).toBe(
      'hooks.slack.com resolves to a private address (allowed only with --webhook-allow-private-addresses)',
    );
  });
});

describe('webhook Secret references', () => {
  it("when the annotation names only a Secret, then its url key in the owner's namespace is meant", () => {
    expect(parseWebhookSecretRef('team-hook', 'shop')).toEqual({ namespace: 'shop', name: 'team-hook', key: DEFAULT_WEBHOOK_SECRET_KEY });
  });

  it('when the annotation names a Secret and a key, then that key is meant', () => {
    expect(parseWebhookSecretRef(' hooks.team/slack_url ', 'shop')).toEqual({ namespace: 'shop', name: 'hooks.team', key: 'slack_url' });
  });

  it.each([
    ['other-ns/hook/url', /must be <secret-name> or <secret-name>\/<key>/],
    ['Team_Hook', /names no valid Secret/],
    ['', /names no valid Secret/],
    ['hook/', /is not a valid Secret key/],
    ['hook/a b', /is not a valid Secret key/],
  ])('when the annotation is "%s", then the error names the annotation and the problem', (value, message) => {
    const parsed = parseWebhookSecretRef(value, 'shop');
    expect('error' in parsed && parsed.error).toMatch(message);
    expect('error' in parsed && parsed.error).toContain('greenroom.dev/webhook-secret');
  });
});

describe('operator flags for webhooks', () => {
  it("when no flag is given, then only Slack's webhook host is allowed and private addresses are not", () => {
    const config = parseOperatorConfig([], {});
    expect(config.webhookAllowedHosts).toEqual(['hooks.slack.com']);
    expect(config.webhookAllowPrivateAddresses).toBe(false);
  });

  it('when the flags list hosts and allow private addresses, then they are parsed, and an empty list allows none', () => {
    const config = parseOperatorConfig(
      ['--webhook-allowed-hosts', 'hooks.slack.com, *.chat.example.com', '--webhook-allow-private-addresses', 'true'],
      {},
    );
    expect(config.webhookAllowedHosts).toEqual(['hooks.slack.com', '*.chat.example.com']);
    expect(config.webhookAllowPrivateAddresses).toBe(true);
    expect(parseOperatorConfig(['--webhook-allowed-hosts='], {}).webhookAllowedHosts).toEqual([]);
  });

  it('when --webhook-allow-private-addresses is not a boolean, then the error names the flag', () => {
    expect(() => parseOperatorConfig(['--webhook-allow-private-addresses', 'sometimes'], {})).toThrow(/--webhook-allow-private-addresses/);
  });
});
