import { beforeAll, describe, expect, it } from '@jest/globals';
import { kubectl } from '../support/kubectl.ts';
import { apply, eventually } from '../support/operator.ts';
import { operatorProcesses, type OperatorProcess } from '../support/operator-process.ts';
import { rawGet } from '../support/http-get.ts';

// One `greenroom operator` process with the HTTP flags as an operator would set them: the
// flags are parsed, wired to the servers, and hold against raw requests.
const namespace = 'operator-http';
const RATE_LIMIT = 30;
const replica = operatorProcesses({
  kubeconfig: process.env.KUBECONFIG ?? '',
  namespace,
  extraArgs: ['--leader-elect', 'false', '--allowed-hosts', 'portal.example.com', '--rate-limit-per-minute', String(RATE_LIMIT)],
});
const PORTAL = { Host: 'portal.example.com' };

let operator: OperatorProcess;
beforeAll(async () => {
  await kubectl(['create', 'namespace', namespace]);
  await apply(namespace, { kind: 'Group', name: 'payments', spec: { type: 'team' } });
  operator = await replica('http');
  await eventually('the group in the read API', async () =>
    (await rawGet(operator.url, '/api/v1/entities', PORTAL)).body.includes('payments') ? true : undefined,
  );
});

describe("the operator's HTTP servers", () => {
  it('when Prometheus scrapes, then /metrics answers on the metrics port and not on the dashboard port', async () => {
    const metrics = await fetch(operator.metricsUrl);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/^greenroom_catalog_entities/m);
    const dashboard = await rawGet(operator.url, '/metrics', PORTAL);
    expect(dashboard.status).toBe(404);
    expect(dashboard.body).not.toMatch(/greenroom_catalog_entities/);
  });

  it('when a request names another host, then it is refused 421 while the probes answer by pod IP', async () => {
    expect((await rawGet(operator.url, '/api/v1/entities', { Host: 'attacker.example' })).status).toBe(421);
    expect((await rawGet(operator.url, '/catalog', PORTAL)).status).toBe(200);
    expect((await rawGet(operator.url, '/healthz', { Host: '10.244.0.12:8080' })).status).toBe(200);
    expect((await rawGet(operator.url, '/readyz', { Host: '10.244.0.12:8080' })).status).toBe(200);
  });

  it('when /catalog gets a parameter twice, then it answers a 400 page naming it, without a stack trace', async () => {
    const res = await rawGet(operator.url, '/catalog?kind=a&kind=b', PORTAL);
    expect(res.status).toBe(400);
    expect(res.body).toContain('kind must be given once');
    expect(res.body).not.toMatch(/\n\s+at |node_modules/);
  });

  it('when one client goes past its requests a minute, then it gets 429 and the probes still answer', async () => {
    const statuses: number[] = [];
    for (let i = 0; i <= RATE_LIMIT; i++) statuses.push((await rawGet(operator.url, '/api/v1/entities', PORTAL)).status);
    expect(statuses.at(-1)).toBe(429);
    expect((await rawGet(operator.url, '/healthz')).status).toBe(200);
  });
});
