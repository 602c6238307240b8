import { describe, expect, it } from '@jest/globals';
import { eventually } from '../support/operator.ts';
import { startDemo } from '../support/demo.ts';
import { commandLine, descendants, waitForExit } from '../support/processes.ts';

describe('greenroom demo', () => {
  it('when started, then /healthz answers 200, and when interrupted, then no process is left', async () => {
    const { demo, url, output } = await startDemo(['--port', '0', '--metrics-port', '0']);
    const processes = descendants(demo.pid!);
    expect(processes.map(commandLine).join('\n')).toMatch(/kube-apiserver/);

    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);

    // The sample catalog is applied and resolved: every entity has a Ready verdict, and the
    // one deliberately dangling reference shows as such.
    const entities = await eventually('the sample catalog to resolve', async () => {
      const res = await fetch(`${url}/api/v1/entities?namespace=greenroom-demo&limit=500`);
      const body = (await res.json()) as { total: number; items: { name: string; ready: string }[] };
      return body.total > 25 && body.items.every((i) => i.ready !== 'Unknown') ? body.items : undefined;
    });
    const notReady = entities.filter((i) => i.ready !== 'True').map((i) => i.name);
    expect(notReady).toEqual(['search-indexer']);

    // The golden-path templates are listed, and the demo's run of one pushed a repository
    // and registered its Component, owned by a team of the sample catalog.
    expect(await (await fetch(`${url}/templates`)).text()).toMatch(/TypeScript HTTP service[\s\S]*docs|Docs/);
    let runPage = '';
    await eventually(
      'the demo template run to succeed',
      async () => {
        runPage = await (await fetch(`${url}/runs/greenroom-demo/recommendations-service`)).text();
        return /<h1>recommendations-service <span class="badge ok">Succeeded<\/span><\/h1>/.test(runPage) ? runPage : undefined;
      },
      120_000,
    ).catch((error: Error) => {
      // Say what the run page and the demo's log showed, not only that time ran out.
      const seen = runPage
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .slice(0, 1500);
      throw new Error(`${error.message}\n--- run page ---\n${seen}\n--- demo log ---\n${output().split('\n').slice(-40).join('\n')}`);
    });
    const component = (await (await fetch(`${url}/api/v1/entities/component/greenroom-demo/recommendations`)).json()) as {
      owner?: string;
      ready?: string;
    };
    expect(component).toMatchObject({ ready: 'True' });

    // The Backstage repository the demo pushed is kept in the catalog by its CatalogSource,
    // through its Location: the Sources page says so, and each entity says where it comes from.
    const sources = await eventually(
      'the demo CatalogSource to sync',
      async () => {
        const page = await (await fetch(`${url}/sources`)).text();
        return /reviews-backstage[\s\S]*<span class="badge ok"[^>]*>Synced<\/span>/.test(page) ? page : undefined;
      },
      60_000,
    );
    expect(sources).toMatch(/<td class="col-count">7<\/td>/);
    const imported = await eventually('the imported entities to resolve', async () => {
      const res = await fetch(`${url}/api/v1/entities?namespace=greenroom-demo&owner=group:greenroom-demo/team-reviews&limit=50`);
      const body = (await res.json()) as { items: { name: string; ready: string }[] };
      return body.items.length === 4 && body.items.every((i) => i.ready !== 'Unknown') ? body.items : undefined;
    });
    expect(imported.filter((i) => i.ready !== 'True')).toEqual([]);
    expect(await (await fetch(`${url}/catalog/component/greenroom-demo/reviews-service`)).text()).toMatch(
      /From CatalogSource <a href="\/sources\/greenroom-demo\/reviews-backstage"><strong>reviews-backstage<\/strong><\/a> · <code>services\/reviews-api\/catalog-info.yaml:1<\/code> · at commit <code class="commit">[0-9a-f]{7}<\/code>/,
    );

    // The sample docs are built and served, and search finds a phrase only they contain.
    await eventually(
      'the checkout service docs to be served',
      async () => {
        const res = await fetch(`${url}/docs/greenroom-demo/checkout-service-docs/operations/runbook`);
        return res.status === 200 && /Orders stuck in pending/.test(await res.text()) ? true : undefined;
      },
      60_000,
    );
    // Its GitHub-style `> [!CAUTION]` is shown as a danger admonition, as TechDocs shows it.
    expect(await (await fetch(`${url}/docs/greenroom-demo/checkout-service-docs/operations/runbook`)).text()).toMatch(
      /<div class="admonition danger">\s*<p class="admonition-title">Danger<\/p>\s*<p>Replaying an order/,
    );
    const found = (await (await fetch(`${url}/api/v1/search?q=idempotency`)).json()) as { results: { type: string; href: string }[] };
    expect(found.results[0]).toMatchObject({ type: 'doc', href: '/docs/greenroom-demo/checkout-service-docs/architecture' });

    // The sample scorecard rates the services; the checkout service (in production, in a
    // system, resolved, no workload here) reaches silver and fails only the gold rules, by
    // their descriptions rather than by an evaluation error.
    interface Rated {
      status: { scorecards?: { scorecard: string; level: string; failing?: { rule: string; level: string; message: string }[] }[] };
    }
    const rating = await eventually(
      'the sample scorecard to rate checkout-service silver',
      async () => {
        const entity = (await (await fetch(`${url}/api/v1/entities/component/greenroom-demo/checkout-service`)).json()) as Rated;
        const result = entity.status.scorecards?.find((s) => s.scorecard === 'greenroom-demo/production-readiness');
        return result?.level === 'silver' ? result : undefined;
      },
      60_000,
    );
    expect(rating.failing?.map((f) => f.level)).toEqual(['gold', 'gold']);
    expect(rating.failing?.map((f) => f.message).join('\n')).not.toMatch(/No such key|error/i);
    // The sample initiative is due 60 days after the demo started, so it is not Missed.
    expect(await (await fetch(`${url}/scorecards`)).text()).toMatch(/Every service at silver/);
    const phase = await eventually(
      'the sample initiative to be evaluated',
      async () => {
        const page = await (await fetch(`${url}/initiatives/greenroom-demo/services-silver`)).text();
        const badge = /<h1>[^<]*<span class="badge [a-z]+">([^<]+)<\/span><\/h1>/.exec(page)?.[1];
        return badge && badge !== 'Not evaluated yet' ? badge : undefined;
      },
      60_000,
    );
    expect(phase).toBe('On track');

    // The sample APIs carry real definitions, one of each format: each is read and described,
    // and the checkout API's tab lists its operations, each linking to its own page.
    interface Described {
      name: string;
      status: { conditions?: { type: string; reason: string }[] };
    }
    const apis = await eventually(
      'the sample API definitions to be described',
      async () => {
        const res = await fetch(`${url}/api/v1/entities?namespace=greenroom-demo&kind=API&limit=50`);
        const body = (await res.json()) as { items: { name: string }[] };
        const described = await Promise.all(
          body.items.map(async (i) => (await (await fetch(`${url}/api/v1/entities/api/greenroom-demo/${i.name}`)).json()) as Described),
        );
        const reasons = described.map((d) => d.status.conditions?.find((c) => c.type === 'DefinitionResolved')?.reason);
        return reasons.length >= 5 && reasons.every((r) => r === 'Described') ? described.map((d) => d.name) : undefined;
      },
      60_000,
    );
    expect(apis).toEqual(expect.arrayContaining(['checkout-api', 'inventory-api', 'order-events', 'payments-api', 'storefront-graphql']));
    expect(await (await fetch(`${url}/catalog/api/greenroom-demo/checkout-api/definition`)).text()).toMatch(
      /href="\/catalog\/api\/greenroom-demo\/checkout-api\/definition\/operations\/[^"]+"/,
    );

    const exitCode = new Promise((resolve) => demo.once('exit', resolve));
    demo.kill('SIGINT');
    expect(await exitCode).toBe(0);
    expect(output()).toMatch(/demo stopped/);
    expect((await waitForExit(processes, 2000)).map(commandLine)).toEqual([]);
  }, 300_000);
});
