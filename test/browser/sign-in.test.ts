import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { startDex, type Dex } from '../../src/local-cluster/dex.ts';
import { freePort } from '../../src/local-cluster/ports.ts';
import { browsers, SCREENSHOTS } from '../support/browser.ts';
import { kubectl } from '../support/kubectl.ts';
import { operators } from '../support/operator.ts';

// Signing in with --auth oidc in Chromium, on a real Dex's own login page, then starting a
// run as yourself; and another team's person seeing the apiserver's denial. The operator
// holds the harness's admin credentials; the RoleBinding to alice's group decides.
const namespace = 'browser-sign-in';
const start = operators(namespace);
const browser = browsers();
const alice = { email: 'alice@example.com', username: 'alice', password: 'alice-password-1', groups: ['team-a'] };
const bob = { email: 'bob@example.com', username: 'bob', password: 'bob-password-2', groups: ['team-b'] };
let dex: Dex;
let base = '';

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  dex = await startDex({
    people: [alice, bob],
    clients: [{ id: 'greenroom', secret: 'greenroom-secret', redirectURIs: [`${base}/auth/callback`] }],
  });
  await kubectl(['create', 'namespace', namespace]);
  await kubectl(
    ['apply', '-f', '-'],
    JSON.stringify({
      apiVersion: 'greenroom.dev/v1alpha1',
      kind: 'Template',
      metadata: { name: 'hello-service', namespace },
      spec: {
        title: 'Hello service',
        type: 'service',
        owner: 'team-platform',
        parameters: {
          type: 'object',
          required: ['name'],
          properties: { name: { type: 'string', title: 'Name', pattern: '^[a-z][a-z0-9-]*$' } },
        },
        skeleton: { inline: { 'README.md': '# ${{ values.name }}\n' } },
        steps: [{ name: 'render', action: 'render' }],
      },
    }),
  );
  await kubectl(['create', 'role', 'start-runs', '-n', namespace, '--verb=create,get,list,watch', '--resource=templateruns.greenroom.dev']);
  await kubectl(['create', 'rolebinding', 'team-a-starts-runs', '-n', namespace, '--role=start-runs', '--group=oidc:team-a']);
  // Seeing is RBAC too (src/access): every signed-in person may list the Templates and runs
  // here, so another team's person sees the form and gets the apiserver's denial, not a 404.
  await kubectl([
    'create',
    'role',
    'read-templates',
    '-n',
    namespace,
    '--verb=get,list',
    '--resource=templates.greenroom.dev,templateruns.greenroom.dev',
  ]);
  await kubectl([
    'create',
    'rolebinding',
    'everyone-reads-templates',
    '-n',
    namespace,
    '--role=read-templates',
    '--group=system:authenticated',
  ]);
  await start({
    port,
    templateExecutor: 'in-process',
    dashboardUrl: base,
    auth: {
      mode: 'oidc',
      cookies: { secret: 'b'.repeat(40), secure: false, sessionMaxAgeSeconds: 3600 },
      oidc: {
        issuerUrl: dex.issuer,
        clientId: 'greenroom',
        clientSecret: 'greenroom-secret',
        ca: readFileSync(dex.caFile, 'utf8'),
        scopes: ['openid', 'email', 'profile', 'groups'],
        externalUrl: base,
        usernameClaim: 'email',
        usernamePrefix: 'oidc:',
        groupsClaim: 'groups',
        groupsPrefix: 'oidc:',
      },
    },
  });
}, 240_000);

afterAll(async () => {
  await dex?.stop();
});

/** A fresh browser context (its own cookies) signed in as `person` through Dex's login page, on `path`. */
async function signedIn(b: Browser, person: { email: string; password: string }, path: string) {
  const context = await b.newContext({ viewport: { width: 1280, height: 900 }, ignoreHTTPSErrors: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  await page.goto(`${base}${path}`);
  await page.waitForURL((url) => url.href.startsWith(dex.issuer));
  await page.fill('input[name="login"]', person.email);
  await page.fill('input[name="password"]', person.password);
  await page.click('button[type="submit"]');
  await page.waitForURL(`${base}${path}`);
  return { context, page, errors };
}

describe('signing in and starting a run in Chromium (--auth oidc)', () => {
  it("when alice signs in on Dex's page and starts a run, then the header names her and the run page follows the run to Succeeded without inline script", async () => {
    const { context, page, errors } = await signedIn(await browser(), alice, `/templates/${namespace}/hello-service`);
    await expect(page.locator('.viewer .person').textContent()).resolves.toBe('alice');
    await expect(page.locator('.viewer .person').getAttribute('title')).resolves.toBe('oidc:alice@example.com · groups: oidc:team-a');
    await page.locator('header.top').screenshot({ path: `${SCREENSHOTS}signed-in-header.png` });
    await page.fill('input[name="name"]', 'ledger');
    await page.click('button[value="start"]');
    await page.waitForURL(new RegExp(`/runs/${namespace}/hello-service-ledger-[a-z0-9]{5}(#run)?$`));
    // run-live.js polls the progress and reloads the page once the run has finished.
    await page.waitForSelector('h1 .badge.ok', { timeout: 30_000 });
    await expect(page.locator('h1 .badge').textContent()).resolves.toBe('Succeeded');
    await page.screenshot({ path: `${SCREENSHOTS}run-started-from-portal.png`, fullPage: true });
    expect(errors).toEqual([]);
    await page.click('.sign-out button');
    await page.waitForURL(`${base}/auth/signed-out`);
    await expect(page.locator('.viewer .sign-in').textContent()).resolves.toBe('Sign in');
    await context.close();
  });

  it("when bob of another team starts a run here, then the page shows the apiserver's denial in its own words", async () => {
    const { context, page } = await signedIn(await browser(), bob, `/templates/${namespace}/hello-service`);
    await page.fill('input[name="name"]', 'intruder');
    await page.click('button[value="start"]');
    await page.waitForSelector('.problems-box.denied');
    await expect(page.locator('.problems-box.denied').textContent()).resolves.toMatch(
      new RegExp(
        `User "oidc:bob@example.com" cannot create resource "templateruns" in API group "greenroom.dev" in the namespace "${namespace}"`,
      ),
    );
    // From the top: a full-page shot taken scrolled down draws the sticky header mid-page.
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: `${SCREENSHOTS}start-run-denied.png`, fullPage: true });
    await expect(kubectl(['get', 'templateruns', '-n', namespace, '-o', 'name'])).resolves.not.toMatch(/intruder/);
    await context.close();
  });
});
