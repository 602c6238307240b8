import { describe, expect, it } from '@jest/globals';
import express from 'express';
import { buildSite } from '../../src/docs/build.ts';
import { siteBase, type DocSite, type DocSourceSummary, type DocsStore } from '../../src/docs/site.ts';
import { docsPage, entityDocSources } from '../../src/http/ui/docs-pages.ts';
import { createDocsRouter, SVG_CONTENT_SECURITY_POLICY } from '../../src/http/ui/docs-router.ts';
import { serving } from '../support/serve.ts';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const SVG = '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>';

/** A small handbook: a home page, a section of two guides, and an external link. */
function handbook(): DocSite {
  const files = new Map<string, string | Buffer>([
    [
      'mkdocs.yml',
      'site_name: Team <handbook>\nnav:\n  - Home: index.md\n  - Guides:\n    - guides/setup.md\n    - guides/deploy.md\n  - Chat: https://chat.example.com\n',
    ],
    ['docs/index.md', '# Welcome\n\n![logo](img/logo.png) ![diagram](img/flow.svg)\n\n<script>alert("pwned")</script>\n'],
    ['docs/guides/setup.md', '# Setting up\n\n## Install\n\n### On Linux\n\n#### Details\n\n## Configure\n'],
    ['docs/guides/deploy.md', '# Deploying\n\nSee [setup](setup.md#install).\n'],
    ['docs/img/logo.png', PNG],
    ['docs/img/flow.svg', SVG],
  ]);
  return buildSite(files, { base: siteBase('team', 'handbook'), entityRef: 'component:team/handbook' });
}

const store = (sites: Record<string, DocSite>): DocsStore => ({
  site: (namespace, name) => sites[`${namespace}/${name}`],
  sourcesFor: (ref) =>
    ref === 'component:team/handbook'
      ? [
          {
            namespace: 'team',
            name: 'handbook',
            siteName: 'Team handbook',
            served: true,
            generation: 1,
            source: { configMapRef: { name: 'handbook' } },
          },
        ]
      : [],
});

describe('the docs page model', () => {
  const site = handbook();

  it('when a page is read, then the nav marks it and the section holding it', () => {
    const model = docsPage(site, 'team', 'handbook', 'guides/setup')!;
    expect(model.nav).toEqual([
      { title: 'Home', href: '/docs/team/handbook', external: false, current: false, holdsCurrent: false },
      {
        title: 'Guides',
        external: false,
        current: false,
        holdsCurrent: true,
        children: [
          { title: 'Setting up', href: '/docs/team/handbook/guides/setup', external: false, current: true, holdsCurrent: false },
          { title: 'Deploying', href: '/docs/team/handbook/guides/deploy', external: false, current: false, holdsCurrent: false },
        ],
      },
      { title: 'Chat', href: 'https://chat.example.com', external: true, current: false, holdsCurrent: false },
    ]);
  });

  it('when a page is in the middle, then previous and next follow the reading order', () => {
    const model = docsPage(site, 'team', 'handbook', 'guides/setup')!;
    expect(model.prev).toEqual({ title: 'Home', href: '/docs/team/handbook' });
    expect(model.next).toEqual({ title: 'Deploying', href: '/docs/team/handbook/guides/deploy' });
  });

  it('when the first or last page is read, then there is no previous or no next', () => {
    expect(docsPage(site, 'team', 'handbook', '')?.prev).toBeUndefined();
    expect(docsPage(site, 'team', 'handbook', '')?.next?.title).toBe('Setting up');
    expect(docsPage(site, 'team', 'handbook', 'guides/deploy')?.next).toBeUndefined();
  });

  it('when a page has headings, then its table of contents holds levels 2 and 3 only', () => {
    expect(docsPage(site, 'team', 'handbook', 'guides/setup')?.toc).toEqual([
      { level: 2, id: 'install', text: 'Install' },
      { level: 3, id: 'on-linux', text: 'On Linux' },
      { level: 2, id: 'configure', text: 'Configure' },
    ]);
  });

  it('when the site names its entity, then the page links back to it', () => {
    expect(docsPage(site, 'team', 'handbook', '')?.entity).toEqual({
      ref: 'component:team/handbook',
      name: 'handbook',
      href: '/catalog/component/team/handbook',
    });
  });

  it('when a slug is unknown, then there is no page; with no home page, the empty slug is the first page', () => {
    expect(docsPage(site, 'team', 'handbook', 'nope')).toBeUndefined();
    const noHome = { ...site, pages: site.pages.slice(1) };
    expect(docsPage(noHome, 'team', 'handbook', '')?.doc.title).toBe('Setting up');
  });
});

describe('the Docs tab of an entity', () => {
  const git = { url: 'https://reader:t0ken@git.example/orders.git', path: 'docs', ref: 'main' };
  const built = {
    observedGeneration: 2,
    phase: 'Ready' as const,
    siteName: 'Orders handbook',
    commit: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
    pageCount: 12,
    lastBuildTime: '2026-11-24T09:00:00Z',
    site: { id: 's1', chunks: 1, bytes: 100, generation: 2 },
    warnings: ['x'],
  };
  const failedCondition = {
    type: 'BuildSucceeded',
    status: 'False' as const,
    reason: 'FetchFailed',
    message: 'source.git.path "docs" does not exist at main',
    observedGeneration: 2,
    lastTransitionTime: '2026-11-24T10:00:00Z',
  };
  const summary = (name: string, extra: Partial<DocSourceSummary>): DocSourceSummary => ({
    namespace: 'team',
    name,
    siteName: '',
    served: false,
    generation: 2,
    source: { git },
    ...extra,
  });
  const of = (...sources: DocSourceSummary[]) =>
    entityDocSources({ site: () => undefined, sourcesFor: () => sources }, 'component:team/orders');

  it('when a DocSource was never built, then it is Pending, not linked, and says where its Markdown comes from without the token', () => {
    const [pending] = of(summary('new-docs', {}));
    expect(pending).toMatchObject({
      title: 'new-docs',
      state: 'Pending',
      className: 'wait',
      href: undefined,
      origin: 'git https://***@git.example/orders.git · docs @ main',
    });
    expect(pending!.origin).not.toContain('t0ken');
  });

  it('when a build is served, then it is Ready with its page count, build time and short commit, linked into the reader', () => {
    const [ready] = of(summary('orders-docs', { served: true, siteName: 'Orders handbook', status: built }));
    expect(ready).toMatchObject({
      title: 'Orders handbook',
      state: 'Ready',
      className: 'ok',
      href: '/docs/team/orders-docs',
      pageCount: 12,
      builtAt: '2026-11-24T09:00:00Z',
      commit: 'a1b2c3d',
      warnings: 1,
      problem: undefined,
    });
  });

  it('when the spec changed and the new build is not in yet, then it is Building and the last build stays linked', () => {
    const [building] = of(summary('orders-docs', { served: true, siteName: 'Orders handbook', generation: 3, status: built }));
    expect(building).toMatchObject({ state: 'Building', href: '/docs/team/orders-docs', pageCount: 12 });
  });

  it('when the latest build failed with a build served, then it is Ready and says why; with none, it is Failed and says why', () => {
    const [serving] = of(summary('orders-docs', { served: true, status: { ...built, conditions: [failedCondition] } }));
    expect(serving).toMatchObject({
      state: 'Ready',
      href: '/docs/team/orders-docs',
      problem: {
        reason: 'FetchFailed',
        words: 'The source could not be fetched.',
        message: 'source.git.path "docs" does not exist at main',
        since: '2026-11-24T10:00:00Z',
      },
    });
    const [failed] = of(
      summary('broken-docs', {
        source: { configMapRef: { name: 'runbook' } },
        status: { observedGeneration: 2, phase: 'Failed', conditions: [failedCondition] },
      }),
    );
    expect(failed).toMatchObject({
      state: 'Failed',
      className: 'bad',
      href: undefined,
      origin: 'ConfigMap runbook',
      pageCount: undefined,
      builtAt: undefined,
      problem: { reason: 'FetchFailed' },
    });
  });

  it('when the docs are bigger than a limit allows, then the reader is told so in words, with the message naming the flag', () => {
    const tooBig = { ...failedCondition, reason: 'LimitExceeded', message: 'the docs have 900 pages; --docs-max-pages allows 500' };
    const [failed] = of(summary('huge-docs', { status: { observedGeneration: 2, phase: 'Failed', conditions: [tooBig] } }));
    expect(failed?.problem).toMatchObject({
      reason: 'LimitExceeded',
      words: 'The docs are bigger than this portal allows.',
      message: 'the docs have 900 pages; --docs-max-pages allows 500',
    });
  });

  it('when there is no docs store, then there are no DocSources', () => {
    expect(entityDocSources(undefined, 'component:team/orders')).toEqual([]);
  });
});

describe('the docs reader over HTTP', () => {
  const serve = serving();
  const start = () => {
    const app = express();
    app.use(createDocsRouter({ docs: store({ 'team/handbook': handbook() }) }));
    return serve(app);
  };

  it('when a page is asked for, then it is served with the nav, the contents and the page', async () => {
    const base = await start();
    const res = await fetch(`${base}/docs/team/handbook/guides/setup`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<h1 id="setting-up">Setting up');
    expect(html).toContain('<a href="/docs/team/handbook/guides/setup" aria-current="page">Setting up</a>');
    expect(html).toContain('<a href="#on-linux">On Linux</a>');
    expect(html).toContain('rel="next"');
    expect(html).toContain('href="/catalog/component/team/handbook"');
    // The site name comes from the repository: escaped like any other value.
    expect(html).toContain('Team &lt;handbook&gt;');
  });

  it('when the site root is asked for, with or without a trailing slash, then the home page is served', async () => {
    const base = await start();
    for (const path of ['/docs/team/handbook', '/docs/team/handbook/']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('<h1 id="welcome">Welcome');
    }
  });

  it('when a page holds a script, then no script of it reaches the response', async () => {
    const base = await start();
    const html = await (await fetch(`${base}/docs/team/handbook`)).text();
    expect(html).not.toContain('pwned');
    expect(html.match(/<script/g)).toHaveLength(1); // the layout's own app.js
  });

  it('when a moved page is asked for, then the reader is sent to where redirect_maps says, and an index section links its page', async () => {
    const files = new Map<string, string>([
      [
        'mkdocs.yml',
        "site_name: Moved\nplugins:\n  - section-index\n  - redirects:\n      redirect_maps:\n        'setup.md': 'guide/install.md#linux'\n        'chat.md': 'https://chat.example.com/'\nnav:\n  - Guide:\n      - guide/index.md\n      - guide/install.md\n",
      ],
      ['docs/guide/index.md', '# Guide\n'],
      ['docs/guide/install.md', '# Install\n\n## Linux\n'],
    ]);
    const moved = buildSite(files, { base: siteBase('team', 'moved') });
    const app = express();
    app.use(createDocsRouter({ docs: store({ 'team/moved': moved }) }));
    const base = await serve(app);
    const res = await fetch(`${base}/docs/team/moved/setup`, { redirect: 'manual' });
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe('/docs/team/moved/guide/install#linux');
    // To another site it is not followed on the site's word: a page names the address.
    const away = await fetch(`${base}/docs/team/moved/chat`, { redirect: 'manual' });
    expect(away.status).toBe(200);
    expect(away.headers.get('location')).toBeNull();
    expect(await away.text()).toContain(
      '<a href="https://chat.example.com/" rel="noopener noreferrer" class="external">https://chat.example.com/</a>',
    );
    const html = await (await fetch(`${base}/docs/team/moved/guide/install`)).text();
    expect(html).toContain('<a href="/docs/team/moved/guide" class="docs-section holds-current">Guide</a>');
  });

  it('when a page or site is unknown, then a 404 page says so', async () => {
    const base = await start();
    for (const path of ['/docs/team/handbook/nope', '/docs/team/other', '/docs/team/other/page']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status).toBe(404);
      expect(await res.text()).toContain('Nothing here');
    }
  });

  it('when an asset is asked for, then its bytes come with its content type, nosniff and caching', async () => {
    const base = await start();
    const res = await fetch(`${base}/docs/team/handbook/_assets/img/logo.png`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('cache-control')).toMatch(/max-age=\d+/);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(PNG);
  });

  it('when an SVG asset is asked for, then it is served as SVG under a policy that runs nothing', async () => {
    const base = await start();
    const res = await fetch(`${base}/docs/team/handbook/_assets/img/flow.svg`);
    expect(res.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(res.headers.get('content-security-policy')).toBe(SVG_CONTENT_SECURITY_POLICY);
    expect(SVG_CONTENT_SECURITY_POLICY).toBe("default-src 'none'; style-src 'unsafe-inline'");
  });

  it('when an asset is unknown, then it is a 404, even for names Object.prototype has', async () => {
    const base = await start();
    for (const path of ['img/none.png', 'constructor', '__proto__']) {
      expect((await fetch(`${base}/docs/team/handbook/_assets/${path}`)).status).toBe(404);
    }
  });

  it('when a site holds a javascript asset or a javascript: nav link, then the asset is a 404 and the link has no href', async () => {
    const site = handbook();
    const forged: DocSite = {
      ...site,
      nav: [...site.nav, { title: 'Run me', url: 'javascript:alert(1)' }],
      assets: { ...site.assets, 'app.js': { contentType: 'text/javascript', base64: Buffer.from('alert(1)').toString('base64') } },
    };
    const app = express();
    app.use(createDocsRouter({ docs: store({ 'team/handbook': forged }) }));
    const base = await serve(app);
    expect((await fetch(`${base}/docs/team/handbook/_assets/app.js`)).status).toBe(404);
    const html = await (await fetch(`${base}/docs/team/handbook`)).text();
    expect(html).toContain('Run me');
    expect(html).not.toContain('javascript:');
  });
});
