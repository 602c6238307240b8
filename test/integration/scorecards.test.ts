import { beforeAll, describe, expect, it } from '@jest/globals';
import { kubectl } from '../support/kubectl.ts';
import { eventually, operators } from '../support/operator.ts';
import { scrapeSeries } from '../support/operator-process.ts';

// Scorecards on the real control plane: CEL rules over entities and over the Deployments
// bound to them, evaluated by a real operator as things change.
const namespace = 'scorecards';
const start = operators(namespace);
let metricsUrl = '';

interface Result {
  scorecard: string;
  level: string;
  score: number;
  failing?: { rule: string; message: string }[];
}
const resultOf = async (name: string): Promise<Result | undefined> => {
  const object = JSON.parse(await kubectl(['get', 'component', name, '-n', namespace, '-o', 'json'])) as {
    status?: { scorecards?: Result[] };
  };
  return object.status?.scorecards?.find((s) => s.scorecard === `${namespace}/production-readiness`);
};
const levelBecomes = (name: string, level: string, timeoutMs = 10_000) =>
  eventually(
    `${name} to reach level "${level}"`,
    async () => {
      const r = await resultOf(name);
      return r?.level === level ? r : undefined;
    },
    timeoutMs,
  );

const scorecard = (extraRule = '') => `apiVersion: greenroom.dev/v1alpha1
kind: Scorecard
metadata: {name: production-readiness}
spec:
  selector: {kinds: [Component], types: [service]}
  levels: [{name: bronze}, {name: silver}, {name: gold}]
  rules:
    - {name: has-owner, level: bronze, expression: "has(self.spec.owner)", description: Every service has an owner}
    - {name: production, level: silver, expression: "self.spec.lifecycle == 'production'", description: Lifecycle is production, howToFix: Set spec.lifecycle to production once others depend on it}
    - {name: deployed, level: gold, expression: "facts.hasWorkload && facts.readyReplicas >= 2", description: Runs with at least two ready replicas}
    - {name: pinned-images, level: gold, expression: "!facts.latestTag", description: Images are pinned}
${extraRule}`;

const scraped = () => scrapeSeries(metricsUrl);

beforeAll(async () => {
  await kubectl(['create', 'namespace', namespace]);
  await kubectl(
    ['apply', '-n', namespace, '-f', '-'],
    [
      'apiVersion: greenroom.dev/v1alpha1\nkind: Group\nmetadata: {name: team-orders}\nspec: {type: team}\n',
      'apiVersion: greenroom.dev/v1alpha1\nkind: Component\nmetadata: {name: orders}\nspec: {type: service, lifecycle: experimental, owner: team-orders}\n',
      'apiVersion: greenroom.dev/v1alpha1\nkind: Component\nmetadata: {name: web}\nspec: {type: website, lifecycle: production, owner: team-orders}\n',
      scorecard(),
    ].join('---\n'),
  );
  metricsUrl = (await start()).metricsUrl;
});

describe('scorecards on the real control plane', () => {
  it('when a scorecard is applied, then each selected entity gets its level, score and failing rules with how to fix them', async () => {
    const result = await levelBecomes('orders', 'bronze');
    // No workload yet: `!facts.latestTag` holds vacuously, so two of four rules pass.
    expect(result.score).toBe(50);
    expect(result.failing?.map((f) => f.rule).sort()).toEqual(['deployed', 'production']);
    expect(result.failing?.find((f) => f.rule === 'production')?.message).toMatch(/Set spec.lifecycle to production/);
    // Not selected: a website.
    expect(await resultOf('web')).toBeUndefined();
  });

  // How fast is measured by bench/scorecards.ts (BENCHMARKS.md), not here.
  it('when the entity changes, then its level follows', async () => {
    await kubectl(['patch', 'component', 'orders', '-n', namespace, '--type=merge', '-p', '{"spec":{"lifecycle":"production"}}']);
    await levelBecomes('orders', 'silver');
  });

  it('when an entity changes in a way no rule reads, then its results are not written again', async () => {
    const metrics = await scraped();
    const writes = metrics.get('greenroom_scorecard_status_writes_total{kind="component"}');
    expect(writes).toBeGreaterThan(0);
    // The entity is scored again (entity-scores) and its Scorecard summarised again (scorecard-summaries).
    const CONTROLLERS = ['entity-scores', 'scorecard-summaries', 'initiatives'];
    const reconciled = (m: Map<string, number>) =>
      [...m]
        .filter(([k]) => CONTROLLERS.some((c) => k.startsWith(`controller_runtime_reconcile_total{controller="${c}"`)))
        .reduce((n, [, v]) => n + v, 0);
    const before = reconciled(metrics);
    await kubectl(['annotate', 'component', 'orders', '-n', namespace, 'touched=once']);
    const touchedAt = JSON.parse(await kubectl(['get', 'component', 'orders', '-n', namespace, '-o', 'json'])) as {
      metadata: { resourceVersion: string };
    };
    // Its evaluation and the summary it queues are both done, and nothing else is queued or running.
    const after = await eventually('the change to be evaluated', async () => {
      const m = await scraped();
      // A queue that was never added to has no depth series yet: nothing waits in it either.
      const idle = CONTROLLERS.every(
        (c) =>
          (m.get(`workqueue_depth{name="${c}"}`) ?? 0) === 0 && (m.get(`controller_runtime_active_workers{controller="${c}"}`) ?? 0) === 0,
      );
      return idle && reconciled(m) >= before + 2 ? m : undefined;
    });
    expect(after.get('greenroom_scorecard_status_writes_total{kind="component"}')).toBe(writes);
    const now = JSON.parse(await kubectl(['get', 'component', 'orders', '-n', namespace, '-o', 'json'])) as {
      metadata: { resourceVersion: string };
    };
    expect(now.metadata.resourceVersion).toBe(touchedAt.metadata.resourceVersion);
  });

  it('when a Deployment labelled for the component runs two ready replicas of a pinned image, then the runtime facts lift it to gold; a :latest image drops it again', async () => {
    const deployment = (image: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: orders, labels: {greenroom.dev/component: orders}}
spec:
  replicas: 2
  selector: {matchLabels: {app: orders}}
  template:
    metadata: {labels: {app: orders}}
    spec: {containers: [{name: orders, image: "${image}"}]}
`;
    await kubectl(['apply', '-n', namespace, '-f', '-'], deployment('registry.example/orders:1.4.2'));
    // No kubelet runs here, for speed: the harness writes the status a deployment controller
    // would. test/node/chart.test.ts scores a real Deployment's ready replicas on a real node.
    await kubectl([
      'patch',
      'deployment',
      'orders',
      '-n',
      namespace,
      '--subresource=status',
      '--type=merge',
      '-p',
      '{"status":{"replicas":2,"readyReplicas":2,"availableReplicas":2}}',
    ]);
    await levelBecomes('orders', 'gold');
    await kubectl(['apply', '-n', namespace, '-f', '-'], deployment('registry.example/orders:latest'));
    const dropped = await levelBecomes('orders', 'silver');
    expect(dropped.failing?.map((f) => f.rule)).toEqual(['pinned-images']);

    // Relabelled for another component, the Deployment no longer counts for orders (no
    // workload: `deployed` fails, `pinned-images` holds vacuously); labelled back, it does.
    const failingOf = (rules: string[]) =>
      eventually(`orders to fail ${rules.join(', ')}`, async () => {
        const r = await resultOf('orders');
        return JSON.stringify(r?.failing?.map((f) => f.rule).sort()) === JSON.stringify(rules) ? r : undefined;
      });
    await kubectl(['label', 'deployment', 'orders', '-n', namespace, '--overwrite', 'greenroom.dev/component=web']);
    await failingOf(['deployed']);
    await kubectl(['label', 'deployment', 'orders', '-n', namespace, '--overwrite', 'greenroom.dev/component=orders']);
    await failingOf(['pinned-images']);
  });

  it("when a StatefulSet carries Backstage's kubernetes-id label, then it is bound to the entity; a PodDisruptionBudget covering its pods changes a fact and the level", async () => {
    await kubectl(
      ['apply', '-n', namespace, '-f', '-'],
      [
        'apiVersion: greenroom.dev/v1alpha1\nkind: Component\nmetadata: {name: ledger, labels: {tier: data}}\nspec: {type: database, lifecycle: production, owner: team-orders}\n',
        `apiVersion: greenroom.dev/v1alpha1
kind: Scorecard
metadata: {name: data-safety}
spec:
  selector: {labelSelector: {matchLabels: {tier: data}}}
  levels: [{name: bronze}, {name: silver}]
  rules:
    - {name: stateful, level: bronze, expression: "facts.workloads.exists(w, w.kind == 'StatefulSet' && w.name == 'ledger-db')", description: Runs as a StatefulSet}
    - {name: disruption-budget, level: silver, expression: "facts.pdbCovered", description: A PodDisruptionBudget covers its pods}
`,
      ].join('---\n'),
    );
    const levelOn = async (level: string) =>
      eventually(`ledger to reach level "${level}" on data-safety`, async () => {
        const object = JSON.parse(await kubectl(['get', 'component', 'ledger', '-n', namespace, '-o', 'json'])) as {
          status?: { scorecards?: Result[] };
        };
        const r = object.status?.scorecards?.find((x) => x.scorecard === `${namespace}/data-safety`);
        return r?.level === level ? r : undefined;
      });
    expect((await levelOn('')).failing?.map((f) => f.rule)).toEqual(['stateful', 'disruption-budget']);
    await kubectl(
      ['apply', '-n', namespace, '-f', '-'],
      `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: ledger-db, labels: {backstage.io/kubernetes-id: ledger}}
spec:
  serviceName: ledger-db
  replicas: 3
  selector: {matchLabels: {app: ledger-db}}
  template:
    metadata: {labels: {app: ledger-db}}
    spec: {containers: [{name: postgres, image: "postgres:17.2"}]}
`,
    );
    expect((await levelOn('bronze')).failing?.map((f) => f.rule)).toEqual(['disruption-budget']);
    const budget =
      'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: ledger-db}\nspec: {minAvailable: 2, selector: {matchLabels: {app: ledger-db}}}\n';
    await kubectl(['apply', '-n', namespace, '-f', '-'], budget);
    expect((await levelOn('silver')).score).toBe(100);
    await kubectl(['delete', 'poddisruptionbudget', 'ledger-db', '-n', namespace]);
    await levelOn('bronze');
  });

  it('when a rule does not compile, then the Scorecard says which and where, and the other rules keep working', async () => {
    await kubectl(
      ['apply', '-n', namespace, '-f', '-'],
      scorecard('    - {name: broken, level: bronze, expression: "self.spec.owner ==", description: Broken}'),
    );
    const status = await eventually('the Scorecard to report the invalid rule', async () => {
      const s = JSON.parse(await kubectl(['get', 'scorecard', 'production-readiness', '-n', namespace, '-o', 'json'])) as {
        status?: { invalidRules?: { rule: string; position?: number }[]; conditions?: { type: string; status: string; message: string }[] };
      };
      return s.status?.invalidRules?.length ? s.status : undefined;
    });
    expect(status.invalidRules?.[0]).toMatchObject({ rule: 'broken', position: expect.any(Number) });
    expect(status.conditions?.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'False',
      message: expect.stringMatching(/rule broken at position \d+/),
    });
    expect((await resultOf('orders'))?.level).toBe('silver');
  });

  it('when the Scorecard is summarised and scraped, then it counts entities per level and the metrics show levels and scores', async () => {
    const status = await eventually('the summary', async () => {
      const s = JSON.parse(await kubectl(['get', 'scorecard', 'production-readiness', '-n', namespace, '-o', 'json'])) as {
        status?: { entities?: number; levels?: { name: string; count: number }[]; rules?: { name: string; passRate: number }[] };
      };
      return s.status?.levels?.find((l) => l.name === 'silver')?.count === 1 ? s.status : undefined;
    });
    expect(status.entities).toBe(1);
    expect(status.levels).toEqual([
      { name: '', count: 0 },
      { name: 'bronze', count: 0 },
      { name: 'silver', count: 1 },
      { name: 'gold', count: 0 },
    ]);
    expect(status.rules?.find((r) => r.name === 'pinned-images')?.passRate).toBe(0);
    const card = `scorecard="${namespace}/production-readiness"`;
    const entity = `entity="component:${namespace}/orders",owner="group:${namespace}/team-orders"`;
    const metrics = await scraped();
    expect(metrics.get(`greenroom_scorecard_level{${card},${entity}}`)).toBe(2);
    // Three of four rules pass: the :latest image fails pinned-images.
    expect(metrics.get(`greenroom_scorecard_score{${card},${entity}}`)).toBe(75);
    expect(metrics.get(`greenroom_scorecard_failing_rules{${card},${entity}}`)).toBe(1);
    expect(metrics.get(`greenroom_scorecard_rule_pass_ratio{${card},entity_namespace="${namespace}",rule="pinned-images"}`)).toBe(0);
    expect(metrics.get(`greenroom_scorecard_rule_pass_ratio{${card},entity_namespace="${namespace}",rule="production"}`)).toBe(1);
    expect(
      metrics.get(
        `greenroom_scorecard_rule_failing_entities{${card},entity_namespace="${namespace}",rule="pinned-images",owner="group:${namespace}/team-orders"}`,
      ),
    ).toBe(1);
    // Only where something fails, and never one series per entity and rule.
    expect([...metrics.keys()].filter((k) => k.startsWith(`greenroom_scorecard_rule_failing_entities{${card}`))).toHaveLength(1);
    expect([...metrics.keys()].some((k) => k.startsWith('greenroom_scorecard_rule_') && k.includes('entity='))).toBe(false);
  });

  it('when an initiative asks for gold by a deadline that has passed, then it reports progress per owner and its phase', async () => {
    await kubectl(
      ['apply', '-n', namespace, '-f', '-'],
      'apiVersion: greenroom.dev/v1alpha1\nkind: Initiative\nmetadata: {name: all-production}\nspec: {scorecard: production-readiness, targetLevel: gold, deadline: "2026-01-01T00:00:00Z"}\n',
    );
    const status = await eventually('the Initiative status', async () => {
      const i = JSON.parse(await kubectl(['get', 'initiative', 'all-production', '-n', namespace, '-o', 'json'])) as {
        status?: {
          phase?: string;
          progress?: { atTarget: number; total: number };
          byOwner?: { owner: string }[];
          conditions?: { type: string; status: string }[];
          history?: unknown[];
        };
      };
      return i.status?.phase ? i.status : undefined;
    });
    expect(status).toMatchObject({ phase: 'Missed', progress: { atTarget: 0, total: 1 } });
    expect(status.byOwner?.[0]?.owner).toMatch(/team-orders/);
    expect(status.conditions?.find((c) => c.type === 'Missed')?.status).toBe('True');
    expect(status.history?.length).toBe(1);
    expect(status.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'True', reason: 'Evaluated' });
    expect((await scraped()).get(`greenroom_initiative_progress{initiative="${namespace}/all-production",phase="Missed"}`)).toBe(0);
  });
});
