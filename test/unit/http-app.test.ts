import { describe, expect, it } from '@jest/globals';
import { createApp, createMetricsApp } from '../../src/http/app.ts';
import { createMetricsRegistry } from '../../src/observability/metrics.ts';
import { CatalogGraph } from '../../src/catalog/graph.ts';
import { serving } from '../support/serve.ts';

const serveApp = serving();
const serve = (ready: boolean): Promise<string> => serveApp(createApp({ isReady: () => ready, graph: new CatalogGraph() }));

describe('the HTTP app', () => {
  it('when asked for /healthz, then it answers 200', async () => {
    const base = await serve(true);
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok');
  });

  it('when the caches have not synced, then /readyz answers 503 and says why', async () => {
    const base = await serve(false);
    const res = await fetch(`${base}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.text()).toMatch(/not synced/);
  });

  it('when the metrics app is scraped, then /metrics exposes process metrics in the Prometheus format', async () => {
    const base = await serveApp(createMetricsApp({ metrics: createMetricsRegistry() }));
    const res = await fetch(`${base}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    expect(await res.text()).toMatch(/^process_cpu_user_seconds_total \d/m);
  });

  it('when /metrics is asked of the dashboard port, then it is not served there: an Ingress to the dashboard never publishes it', async () => {
    const base = await serve(true);
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toMatch(/process_cpu_user_seconds_total/);
  });

  it('when an API path is unknown, then it answers 404 with a JSON error', async () => {
    const base = await serve(true);
    const res = await fetch(`${base}/api/v1/nope`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: string }).error).toMatch(/no such API route/);
  });

  it('when a page is unknown, then a 404 page offers the search', async () => {
    const base = await serve(true);
    const res = await fetch(`${base}/nope`);
    expect(res.status).toBe(404);
    expect(await res.text()).toMatch(/Search the catalog/);
  });

  it('when anything but GET arrives, then it is refused: the dashboard never writes', async () => {
    const base = await serve(true);
    const res = await fetch(`${base}/api/v1/entities`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
  });

  it('when a page is served, then a strict Content-Security-Policy forbids inline script', async () => {
    const base = await serve(true);
    const csp = (await fetch(`${base}/`)).headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).not.toMatch(/unsafe-inline/);
  });
});

describe('reading a metric off the exposition page', () => {
  it('when a metric has several series, then they are summed, and a missing one is 0', async () => {
    const { sumOfMetric } = await import('../../src/observability/scrape.ts');
    const page = ['# HELP x_total help', 'x_total{kind="a"} 2', 'x_total{kind="b"} 3', 'x_total_other 7', 'y 1'].join('\n');
    expect(sumOfMetric(page, 'x_total')).toBe(5);
    expect(sumOfMetric(page, 'z')).toBe(0);
  });

  it('when every series is asked for, then each is found by its name and labels as exposed, comments left out', async () => {
    const { seriesOf } = await import('../../src/observability/scrape.ts');
    const page = ['# HELP x_total help', 'x_total{kind="a b"} 2', 'x_total{kind="c"} 3', 'y 1.5', ''].join('\n');
    expect([...seriesOf(page)]).toEqual([
      ['x_total{kind="a b"}', 2],
      ['x_total{kind="c"}', 3],
      ['y', 1.5],
    ]);
  });
});
