import { describe, expect, it } from '@jest/globals';
import { CatalogGraph } from '../../src/catalog/graph.ts';
import { REDACTED, isSecretAnnotation, redactAnnotations } from '../../src/catalog/redact.ts';
import { createApp } from '../../src/http/app.ts';
import { compileRules, evaluate, selfOf } from '../../src/scorecards/cel.ts';
import { factsFor } from '../../src/scorecards/facts.ts';
import { SearchIndex } from '../../src/search/index.ts';
import { component, group } from '../fixtures/entities.ts';
import { serving } from '../support/serve.ts';

const serve = serving();

const WEBHOOK = 'https://hooks.slack.com/services/T000/B000/webhooksecret111';
const LAST_APPLIED =
  '{"metadata":{"annotations":{"greenroom.dev/webhook-url":"https://hooks.slack.com/services/T000/B000/lastappliedsecret222"}}}';
const SECRETS = ['webhooksecret111', 'lastappliedsecret222', 'tokensecret333', 'userinfosecret444', 'camelsecret555'];

/** A team and its service whose annotations carry every kind of secret the rule knows. */
function catalog(): { graph: CatalogGraph; search: SearchIndex } {
  const graph = new CatalogGraph();
  const search = new SearchIndex();
  const checkout = {
    ...component('checkout', { owner: 'payments', description: 'Takes the money' }, 'shop'),
    annotations: {
      'greenroom.dev/webhook-url': WEBHOOK,
      'kubectl.kubernetes.io/last-applied-configuration': LAST_APPLIED,
      'example.com/deploy-token': 'tokensecret333',
      'backstage.io/source-location': 'url:https://bot:userinfosecret444@git.example.com/shop/checkout',
      'example.com/slackApiKey': 'camelsecret555',
      'backstage.io/techdocs-ref': 'dir:.',
    },
  };
  for (const e of [group('payments', {}, 'shop'), checkout]) {
    graph.upsert(e);
    search.upsertEntity(e);
  }
  return { graph, search };
}

describe('secrets in annotations', () => {
  it('when an entity carries a webhook URL, last-applied configuration and credential-like annotations, then no HTTP response shows their values', async () => {
    const { graph, search } = catalog();
    const base = await serve(createApp({ isReady: () => true, graph, search }));
    const paths = [
      '/api/v1/entities',
      '/api/v1/entities?q=money',
      '/api/v1/entities/component/shop/checkout',
      '/api/v1/entities/group/shop/payments/ownership',
      '/api/v1/graph?root=component:shop/checkout&depth=2',
      '/api/v1/search?q=checkout',
      '/search?q=checkout',
      '/',
      '/catalog',
      '/catalog/component/shop/checkout',
      '/catalog/component/shop/checkout/docs',
      '/catalog/component/shop/checkout/scorecards',
      '/catalog/group/shop/payments',
    ];
    for (const path of paths) {
      const res = await fetch(base + path);
      const body = await res.text();
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
      for (const secret of SECRETS) expect({ path, leaked: body.includes(secret) }).toEqual({ path, leaked: false });
    }
  });

  it('when an entity is read through the API or its YAML view, then secret annotations keep their keys with a redacted value and the others are shown', async () => {
    const { graph } = catalog();
    const base = await serve(createApp({ isReady: () => true, graph }));
    const detail = (await (await fetch(`${base}/api/v1/entities/component/shop/checkout`)).json()) as {
      annotations: Record<string, string>;
    };
    expect(detail.annotations['greenroom.dev/webhook-url']).toBe(REDACTED);
    expect(detail.annotations['kubectl.kubernetes.io/last-applied-configuration']).toBe(REDACTED);
    expect(detail.annotations['backstage.io/techdocs-ref']).toBe('dir:.');
    const page = await (await fetch(`${base}/catalog/component/shop/checkout`)).text();
    expect(page).toContain(`greenroom.dev/webhook-url: &quot;${REDACTED}&quot;`);
    expect(page).toContain('backstage.io/techdocs-ref: dir:.');
  });
});

describe('the redaction rule', () => {
  it('when a key names a credential in any spelling, then its value is redacted', () => {
    for (const key of [
      'example.com/api-key',
      'example.com/API_KEY',
      'example.com/slackWebhook',
      'example.com/db.password',
      'auth',
      'x/github-token',
      'pagerduty.com/integration-key',
      'x/client-secret',
    ])
      expect({ key, secret: isSecretAnnotation(key, 'v') }).toEqual({ key, secret: true });
  });

  it('when a key only resembles a credential word, then its value is shown', () => {
    for (const key of [
      'example.com/author',
      'backstage.io/techdocs-ref',
      'sonarqube.org/project-key',
      'example.com/keyboard',
      'github.com/project-slug',
    ])
      expect({ key, secret: isSecretAnnotation(key, 'plain') }).toEqual({ key, secret: false });
  });

  it('when a value holds a URL with user information or a webhook host, then it is redacted whatever the key', () => {
    expect(isSecretAnnotation('backstage.io/source-location', 'url:https://x-token:abc@github.com/o/r')).toBe(true);
    expect(isSecretAnnotation('example.com/notify', 'https://discord.com/api/webhooks/1/abc')).toBe(true);
    expect(isSecretAnnotation('backstage.io/source-location', 'url:https://github.com/o/r')).toBe(false);
  });

  it('when a tenant writes a long annotation of scheme-like letters with no URL, then it is checked and shown (a backtracking match took minutes)', () => {
    const value = 'a'.repeat(250_000);
    expect(isSecretAnnotation('example.com/notes', value)).toBe(false);
    expect(isSecretAnnotation('example.com/notes', `${value}://user:pw@host`)).toBe(true);
    expect(isSecretAnnotation('example.com/notes', 'HTTPS://USER:PW@HOST and HOOKS.SLACK.COM')).toBe(true);
  });

  it('when annotations are redacted, then the input is left unchanged', () => {
    const annotations = { 'greenroom.dev/webhook-url': WEBHOOK };
    expect(redactAnnotations(annotations)).toEqual({ 'greenroom.dev/webhook-url': REDACTED });
    expect(annotations['greenroom.dev/webhook-url']).toBe(WEBHOOK);
  });
});

describe('secrets in annotations and scorecard rules', () => {
  it('when a rule reads a secret annotation of an entity it selects, then it sees the key but only the redacted value: pass or fail cannot reveal it', () => {
    const checkout = catalog().graph.get('component:shop/checkout');
    if (!checkout) throw new Error('no checkout');
    const { compiled } = compileRules([
      {
        name: 'probe',
        level: 'bronze',
        expression: "self.metadata.annotations['greenroom.dev/webhook-url'].startsWith('https://hooks.slack.com/')",
      },
      { name: 'present', level: 'bronze', expression: "'greenroom.dev/webhook-url' in self.metadata.annotations" },
    ]);
    const input = { self: selfOf(checkout), facts: factsFor(checkout, [], []), now: new Date() };
    expect(evaluate(compiled.get('probe')!, input)).toEqual({ passed: false });
    expect(evaluate(compiled.get('present')!, input)).toEqual({ passed: true });
  });
});
