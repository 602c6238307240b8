import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CATALOG_KINDS, type EntityStatus } from '../../src/api/v1alpha1/index.ts';
import { toEntity, type CatalogObject } from '../../src/catalog/entity.ts';
import { CatalogGraph } from '../../src/catalog/graph.ts';
import { applyObjects, installCrds } from '../../src/kube/apply.ts';
import { loadKubeConfig } from '../../src/kube/config.ts';
import { binariesIn } from '../../src/local-cluster/binaries.ts';
import { startControlPlane, type ControlPlane } from '../../src/local-cluster/control-plane.ts';
import type { TetheredProcess } from '../../src/local-cluster/tethered-process.ts';
import type { RunningOperator } from '../../src/operator/run.ts';
import { kubectl } from '../support/kubectl.ts';
import { apply, condition, eventually, operators, statusOf } from '../support/operator.ts';
import { scrapeMetric } from '../support/operator-process.ts';
import { descendants, waitForExit } from '../support/processes.ts';

type Spec = Record<string, unknown>;
type CatalogItem = { kind: string; name: string; spec: Spec };

const team = (name: string, spec: Spec = {}): CatalogItem => ({ kind: 'Group', name, spec: { type: 'team', ...spec } });
const service = (name: string, spec: Spec = {}): CatalogItem => ({
  kind: 'Component',
  name,
  spec: { type: 'service', lifecycle: 'production', owner: 'platform', ...spec },
});

/**
 * A small company of 200 entities: an org of 4 departments and 12 teams, 60 users in teams
 * (some in departments too), 2 domains, 8 systems, 20 databases, 13 APIs and 80 services
 * that depend on a database and, in chains of four, on each other.
 */
function companyCatalog(): CatalogItem[] {
  const items: CatalogItem[] = [team('org', { type: 'organisation' })];
  const add = (kind: string, count: number, spec: (i: number) => Spec, name = kind.toLowerCase()): void => {
    for (let i = 0; i < count; i++) items.push({ kind, name: `${name}-${i}`, spec: spec(i) });
  };
  add('Group', 4, () => ({ type: 'department', parent: 'org' }), 'dept');
  add('Group', 12, (i) => ({ type: 'team', parent: `dept-${i % 4}` }), 'team');
  add('User', 60, (i) => ({ memberOf: i % 10 === 0 ? [`team-${i % 12}`, `dept-${i % 4}`] : [`team-${i % 12}`] }));
  add('Domain', 2, (i) => ({ owner: `dept-${i}` }));
  add('System', 8, (i) => ({ owner: `team-${i}`, domain: `domain-${i % 2}` }));
  add('Resource', 20, (i) => ({ type: 'database', owner: `team-${i % 12}`, system: `system-${i % 8}` }), 'db');
  add('API', 13, (i) => ({ type: 'openapi', lifecycle: 'production', owner: `team-${i % 12}`, system: `system-${i % 8}` }));
  add(
    'Component',
    80,
    (i) => ({
      type: 'service',
      lifecycle: 'production',
      owner: `team-${i % 12}`,
      system: `system-${i % 8}`,
      ...(i < 13 ? { providesApis: [`api-${i}`] } : {}),
      consumesApis: [`api-${(i * 7) % 13}`],
      dependsOn: [`resource:db-${i % 20}`, ...(i % 4 === 0 ? [] : [`component:svc-${i - 1}`])],
    }),
    'svc',
  );
  return items;
}

async function listCatalog(namespace: string): Promise<CatalogObject[]> {
  const kinds = CATALOG_KINDS.map((k) => `${k.plural}.greenroom.dev`).join(',');
  return (JSON.parse(await kubectl(['get', kinds, '-n', namespace, '-o', 'json'])) as { items: CatalogObject[] }).items;
}

const CYCLE_REASONS = { dependsOn: 'DependencyCycle', parent: 'ParentCycle', partOf: 'PartOfCycle' } as const;

/**
 * Every way the stored statuses differ from what a graph built from the objects' specs says:
 * relations (sorted, each once), Ready/ReferencesResolved/Acyclic and observedGeneration.
 */
function differencesFromSpecs(objects: CatalogObject[]): string[] {
  const graph = new CatalogGraph();
  const entities = objects.map((o) => toEntity(o)).filter((e) => e !== undefined);
  for (const e of entities) graph.upsert(e);
  const problems: string[] = [];
  for (const e of entities) {
    const status: EntityStatus = e.status ?? {};
    // Compared in order, as type→target pairs (the apiserver returns object keys sorted).
    const stored = (status.relations ?? []).map((r) => `${r.type}→${r.target}`);
    const expected = graph.relationsOf(e.ref).map((r) => `${r.type}→${r.target}`);
    if (stored.join(' ') !== expected.join(' '))
      problems.push(`${e.ref}: relations [${stored.join(', ')}], expected [${expected.join(', ')}]`);
    const dangling = graph.danglingOf(e.ref).length > 0;
    const cycle = graph.cyclesOf(e.ref)[0];
    const want = {
      ReferencesResolved: dangling ? 'False/DanglingReference' : 'True/AllReferencesResolved',
      Acyclic: cycle ? `False/${CYCLE_REASONS[cycle.family]}` : 'True/NoCycles',
      Ready: dangling ? 'False/DanglingReference' : cycle ? `False/${CYCLE_REASONS[cycle.family]}` : 'True/Resolved',
    };
    for (const [type, expectedCondition] of Object.entries(want)) {
      const c = condition(status, type);
      const actual = `${c?.status}/${c?.reason}`;
      if (actual !== expectedCondition || c?.observedGeneration !== e.generation) {
        problems.push(
          `${e.ref}: ${type} ${actual} for generation ${c?.observedGeneration}, expected ${expectedCondition} for ${e.generation}`,
        );
      }
    }
    if (status.observedGeneration !== e.generation)
      problems.push(`${e.ref}: observedGeneration ${status.observedGeneration}, expected ${e.generation}`);
  }
  return problems;
}

/** Waits until the operator has synced, its queues are empty and no status was written for 1.5 s. */
async function quiet(operator: RunningOperator): Promise<void> {
  let writes = -1;
  let since = Date.now();
  await eventually(
    'the operator to go quiet',
    async () => {
      const metrics = ['greenroom_catalog_status_writes_total', 'workqueue_depth', 'controller_runtime_active_workers'];
      const [now = 0, depth = 0, active = 0] = await Promise.all(metrics.map((m) => scrapeMetric(operator.metricsUrl, m)));
      if (now !== writes || depth > 0 || active > 0) [writes, since] = [now, Date.now()];
      return Date.now() - since >= 1500 ? true : undefined;
    },
    60_000,
  );
}

describe('the catalog operator when it is stopped mid-run', () => {
  const namespace = 'catalog-restart';
  const start = operators(namespace);
  beforeAll(async () => {
    await kubectl(['create', 'namespace', namespace]);
  });

  it('when a new operator takes over after changes made while none ran, then every status matches the specs, with no lost or duplicated relation', async () => {
    const company = companyCatalog();
    await apply(namespace, ...company);
    // One worker per kind, so that it is still writing when stopped.
    const first = await start({ concurrency: 1 });
    const writes = () => scrapeMetric(first.metricsUrl, 'greenroom_catalog_status_writes_total');
    await eventually('50 status writes', async () => ((await writes()) >= 50 ? true : undefined));
    await first.stop();
    const unwritten = (await listCatalog(namespace)).filter((o) => o.status?.observedGeneration === undefined);
    expect(unwritten.length).toBeGreaterThan(0);

    // While no operator runs: close a dependsOn loop, delete two targets, add a member.
    const svc0 = company.find((i) => i.name === 'svc-0') as CatalogItem;
    await apply(namespace, { ...svc0, spec: { ...svc0.spec, dependsOn: [...(svc0.spec.dependsOn as string[]), 'component:svc-3'] } });
    await kubectl(['delete', 'resources.greenroom.dev/db-7', 'groups.greenroom.dev/team-5', '-n', namespace]);
    await apply(namespace, { kind: 'User', name: 'user-new', spec: { memberOf: ['team-2'] } });

    const second = await start();
    await quiet(second);
    const objects = await listCatalog(namespace);
    expect(objects).toHaveLength(company.length - 1);
    expect(differencesFromSpecs(objects)).toEqual([]);
    // Statuses the first operator wrote and nothing changed since are left alone.
    expect(await scrapeMetric(second.metricsUrl, 'greenroom_catalog_status_writes_total')).toBeLessThan(objects.length);
    // The comparison is only as good as the graph it is made with: these show the changes made while no operator ran are in status.
    const byName = (name: string) => objects.find((o) => o.metadata?.name === name)?.status ?? {};
    expect(condition(byName('svc-2'), 'Acyclic')?.reason).toBe('DependencyCycle');
    expect(condition(byName('svc-27'), 'ReferencesResolved')?.message).toBe(`spec.dependsOn[0]: resource:${namespace}/db-7 does not exist`);
    expect(condition(byName('user-17'), 'Ready')?.reason).toBe('DanglingReference');
    expect(byName('team-2').relations).toContainEqual({ type: 'hasMember', target: `user:${namespace}/user-new` });
  });
});

describe('the catalog operator when kube-apiserver restarts', () => {
  const namespace = 'catalog-apiserver';
  const start = operators(namespace);
  let controlPlane: ControlPlane;
  let operator: RunningOperator;
  // A control plane of its own: restarting the shared one would disturb the other test files.
  const dedicated = (args: string[], input?: string) => kubectl(['--kubeconfig', controlPlane.kubeconfigPath, ...args], input);
  const applyHere = (...items: CatalogItem[]) => {
    const docs = items.map((i) =>
      JSON.stringify({ apiVersion: 'greenroom.dev/v1alpha1', kind: i.kind, metadata: { name: i.name }, spec: i.spec }),
    );
    return dedicated(['apply', '-n', namespace, '-f', '-'], docs.join('\n'));
  };
  const checkoutStatus = async (): Promise<EntityStatus> =>
    (JSON.parse(await dedicated(['get', 'component', 'checkout', '-n', namespace, '-o', 'json'])) as { status?: EntityStatus }).status ??
    {};

  beforeAll(async () => {
    controlPlane = await startControlPlane({ binaries: binariesIn(dirname(process.env.GREENROOM_TEST_BIN_KUBECTL ?? '')) });
    const kubeConfig = loadKubeConfig({ kubeconfig: controlPlane.kubeconfigPath });
    await installCrds(kubeConfig, fileURLToPath(new URL('../../crds/', import.meta.url)));
    await applyObjects(kubeConfig, [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }]);
    // kubectl may not find the new kinds in discovery for a moment after they are Established.
    await eventually('the catalog kinds to be served', () => applyHere(team('platform'), service('checkout')).then(() => true));
    operator = await start({ kubeConfig });
  });

  afterAll(async () => {
    await operator?.stop();
    await controlPlane?.stop();
  });

  it('when kube-apiserver is restarted, then the same operator sees a change made afterwards and writes it within 30 s', async () => {
    await eventually('checkout Ready', async () => (condition(await checkoutStatus(), 'Ready')?.status === 'True' ? true : undefined));
    const apiserver = () => controlPlane.processes.find((p) => p.name === 'kube-apiserver') as TetheredProcess;
    const before = apiserver().pid;
    const old = [before, ...descendants(before)];
    await controlPlane.restartApiServer();
    expect(await waitForExit(old, 1000)).toEqual([]);
    expect(apiserver().pid).not.toBe(before);
    expect(apiserver().running()).toBe(true);

    const changed = Date.now();
    // Right after /readyz the apiserver may still answer 429 while custom resource storage initialises.
    const database = { kind: 'Resource', name: 'orders-db', spec: { type: 'database', owner: 'platform' } };
    await eventually('applying the change', () =>
      applyHere(database, service('checkout', { dependsOn: ['resource:orders-db'] })).then(() => true),
    );
    const status = await eventually(
      'the new dependsOn in status',
      async () => {
        const s = await checkoutStatus();
        return s.relations?.some((r) => r.target === `resource:${namespace}/orders-db`) ? s : undefined;
      },
      30_000,
    );
    expect(Date.now() - changed).toBeLessThan(30_000);
    expect(condition(status, 'Ready')?.status).toBe('True');
    expect(await scrapeMetric(operator.metricsUrl, 'greenroom_informer_restarts_total')).toBeGreaterThan(0);
  });
});

describe('the catalog operator given semantically broken objects', () => {
  const namespace = 'catalog-broken';
  const start = operators(namespace);
  let operator: RunningOperator;
  beforeAll(async () => {
    await kubectl(['create', 'namespace', namespace]);
    operator = await start({ concurrency: 1 });
  });

  const ready = (name: string, plural = 'components', expected = 'True') =>
    eventually(`${plural}/${name} Ready=${expected}`, async () => {
      const status = await statusOf(namespace, plural, name);
      return condition(status, 'Ready')?.status === expected ? status : undefined;
    });

  it('when entities name themselves in the namespaced spelling admission lets through, then they report a loop', async () => {
    await apply(namespace, team('platform'), team('own-parent', { parent: `group:${namespace}/own-parent` }));
    await apply(namespace, service('self-dependent', { dependsOn: [`component:${namespace}/self-dependent`] }));
    const group = await ready('own-parent', 'groups', 'False');
    expect(condition(group, 'Acyclic')).toMatchObject({
      reason: 'ParentCycle',
      message: `parent/children loop among group:${namespace}/own-parent`,
    });
    const component = await ready('self-dependent', 'components', 'False');
    expect(condition(component, 'Acyclic')).toMatchObject({
      reason: 'DependencyCycle',
      message: `dependsOn loop among component:${namespace}/self-dependent`,
    });
  });

  it('when a Component depends on 1000 missing entities, then its status says so in a message the apiserver accepts', async () => {
    const missing = Array.from({ length: 1000 }, (_, i) => `component:missing-${String(i).padStart(4, '0')}`);
    await apply(namespace, service('many-missing', { dependsOn: missing }));
    const message = condition(await ready('many-missing', 'components', 'False'), 'ReferencesResolved')?.message ?? '';
    expect(message.length).toBeLessThanOrEqual(32768);
    expect(message).toMatch(
      new RegExp(`^spec\\.dependsOn\\[0\\]: component:${namespace}/missing-0000 does not exist; .*; … and \\d+ more$`),
    );
  });

  it('when one target is named twice in different spellings, then each end lists the relation once', async () => {
    await apply(
      namespace,
      service('target'),
      service('twice', { dependsOn: ['component:target', `Component:${namespace.toUpperCase()}/Target`] }),
    );
    expect((await ready('twice')).relations?.filter((r) => r.type === 'dependsOn')).toEqual([
      { type: 'dependsOn', target: `component:${namespace}/target` },
    ]);
    const target = await eventually('target to list twice once', async () => {
      const status = await statusOf(namespace, 'components', 'target');
      return status.relations?.some((r) => r.type === 'dependencyOf') ? status : undefined;
    });
    expect(target.relations?.filter((r) => r.type === 'dependencyOf')).toEqual([
      { type: 'dependencyOf', target: `component:${namespace}/twice` },
    ]);
  });

  it('when a healthy entity is applied after all of them, then it becomes Ready and no reconcile has failed', async () => {
    await apply(namespace, service('healthy'));
    await ready('healthy');
    expect(await scrapeMetric(operator.metricsUrl, 'controller_runtime_reconcile_errors_total')).toBe(0);
    expect((await fetch(`${operator.url}/healthz`)).status).toBe(200);
  });
});
