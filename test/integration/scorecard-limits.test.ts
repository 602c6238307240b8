import { beforeAll, describe, expect, it } from '@jest/globals';
import { kubectl } from '../support/kubectl.ts';
import { eventually } from '../support/operator.ts';
import { operatorProcesses, type OperatorProcess } from '../support/operator-process.ts';

// A tenant's pathological Scorecard rules and a Template author's pathological parameter
// pattern, against a real operator process with leader election as deployed (lease 15 s,
// renewed every 2 s). Before RE2 and the rule workers, the first rule below held the event
// loop for good: no Lease renewal, no /healthz, no dashboard, no status ever written.
const namespace = 'scorecard-limits';
const replica = operatorProcesses({ kubeconfig: process.env.KUBECONFIG ?? '', namespace });

// 2^41 backtracking steps for a RegExp; linear for RE2.
const BACKTRACKING_TEXT = `${'a'.repeat(40)}!`;
// Within the static cost estimate (two nested comprehensions), but over 10 000 annotations
// (about 100 KB, within the apiserver's 256 KiB) it runs 100 million steps: about 17 s on an
// idle machine, far past the 1 s rule deadline even for a watchdog whose timers run late on
// a busy main thread. (3 000 annotations, 2.7 s, sometimes finished before it was stopped.)
const ANNOTATIONS = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, '']));

const objects = [
  { apiVersion: 'greenroom.dev/v1alpha1', kind: 'Group', metadata: { name: 'team-a', namespace }, spec: { type: 'team' } },
  {
    apiVersion: 'greenroom.dev/v1alpha1',
    kind: 'Component',
    metadata: { name: 'big', namespace, annotations: ANNOTATIONS },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-a', description: BACKTRACKING_TEXT },
  },
  {
    apiVersion: 'greenroom.dev/v1alpha1',
    kind: 'Scorecard',
    metadata: { name: 'hostile', namespace },
    spec: {
      levels: [{ name: 'bronze' }],
      rules: [
        { name: 'owned', level: 'bronze', expression: 'has(self.spec.owner)' },
        { name: 'backtracking', level: 'bronze', expression: "self.spec.description.matches('^(a+)+$')" },
        {
          name: 'quadratic',
          level: 'bronze',
          expression: 'self.metadata.annotations.all(a, self.metadata.annotations.all(b, a != b || a == b))',
        },
      ],
    },
  },
  {
    apiVersion: 'greenroom.dev/v1alpha1',
    kind: 'Template',
    metadata: { name: 'hostile', namespace },
    spec: {
      type: 'service',
      owner: 'team-a',
      parameters: { type: 'object', required: ['name'], properties: { name: { type: 'string', pattern: '^(a|a)*$' } } },
      skeleton: { inline: { 'README.md': '# ${{ values.name }}' } },
      steps: [{ name: 'render', action: 'render' }],
    },
  },
  {
    apiVersion: 'greenroom.dev/v1alpha1',
    kind: 'TemplateRun',
    metadata: { name: 'hostile-run', namespace },
    spec: { templateRef: { name: 'hostile' }, values: { name: BACKTRACKING_TEXT } },
  },
];

interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
}
const getJson = async <T>(kind: string, name: string): Promise<T> =>
  JSON.parse(await kubectl(['get', kind, name, '-n', namespace, '-o', 'json'])) as T;
const lease = async () =>
  (await getJson<{ spec: { holderIdentity: string; renewTime: string; leaseTransitions?: number } }>('lease', 'greenroom-operator')).spec;

let leader: OperatorProcess;

beforeAll(async () => {
  await kubectl(['create', 'namespace', namespace]);
  leader = await replica('a');
  await eventually('the replica to lead', async () => ((await leader.leading()) ? true : undefined), 30_000);
});

describe('hostile rules and parameter patterns against a real operator', () => {
  it('when a backtracking rule, a slow rule and a backtracking parameter pattern are evaluated, then the leader keeps its Lease and /healthz and the dashboard answer', async () => {
    const before = await lease();
    await kubectl(['apply', '-f', '-'], objects.map((o) => JSON.stringify(o)).join('\n---\n'));

    // While the rules are evaluated and the run checked, the process answers every request.
    const dashboard = `${leader.url}/templates/${namespace}/hostile?${new URLSearchParams({ name: BACKTRACKING_TEXT, _check: '' })}`;
    const ready = await eventually(
      'the Scorecard to report the slow rule as timed out',
      async () => {
        expect((await fetch(`${leader.url}/healthz`)).status).toBe(200);
        const page = await fetch(dashboard);
        expect(page.status).toBe(200);
        expect(await page.text()).toContain('must match pattern');
        const sc = await getJson<{ status?: { conditions?: Condition[]; invalidRules?: { rule: string; message: string }[] } }>(
          'scorecard',
          'hostile',
        );
        const condition = sc.status?.conditions?.find((c) => c.type === 'Ready');
        return condition?.reason === 'RuleTimedOut' ? { condition, invalidRules: sc.status?.invalidRules } : undefined;
      },
      60_000,
    ).catch(async (error: Error) => {
      // What the operator did meanwhile is what explains a miss: its log and the Scorecard as stored.
      const stored = await kubectl(['get', 'scorecard', 'hostile', '-n', namespace, '-o', 'yaml']).catch(String);
      throw new Error(`${error.message}\n--- Scorecard ---\n${stored}\n--- operator log ---\n${leader.logTail(80)}`);
    });
    expect(ready.invalidRules).toEqual([
      { rule: 'quadratic', message: expect.stringContaining(`timed out evaluating component:${namespace}/big`) },
    ]);
    expect(ready.condition).toMatchObject({ status: 'False', message: expect.stringContaining('rule quadratic: timed out') });

    // The other rules still judge the entity: the backtracking one answered (no match), the timed-out one counts for nothing.
    const result = await eventually('big to be scored without the timed-out rule', async () => {
      const big = await getJson<{ status?: { scorecards?: { scorecard: string; score: number; failing: { rule: string }[] }[] } }>(
        'component',
        'big',
      );
      const r = big.status?.scorecards?.find((s) => s.scorecard === `${namespace}/hostile`);
      return r && r.score === 50 ? r : undefined;
    });
    expect(result.failing.map((f) => f.rule)).toEqual(['backtracking']);

    // The operator checked the run's values against the pattern too, and said why they do not fit.
    const run = await eventually('the run to be refused for its values', async () => {
      const r = await getJson<{ status?: { conditions?: Condition[] } }>('templaterun', 'hostile-run');
      return r.status?.conditions?.find((c) => c.type === 'Succeeded' && c.status === 'False');
    });
    expect(run.message).toContain('values.name must match pattern "^(a|a)*$"');

    // Still the same leader, and it keeps renewing (every 2 s) after all of that.
    const reported = await lease();
    const after = await eventually('the Lease to be renewed again', async () => {
      const now = await lease();
      return Date.parse(now.renewTime) > Date.parse(reported.renewTime) ? now : undefined;
    });
    expect(after.holderIdentity).toBe(leader.identity);
    expect(after.leaseTransitions ?? 0).toBe(before.leaseTransitions ?? 0);
    expect(await leader.leading()).toBe(true);
  });
});
