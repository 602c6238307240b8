import { beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { kubectl } from '../support/kubectl.ts';
import { apply, condition, eventually, statusOf } from '../support/operator.ts';
import { operatorProcesses, type OperatorProcess } from '../support/operator-process.ts';

// Replicas run as `greenroom operator` processes with leader election on and client-go's
// default timings (lease 15 s, renew deadline 10 s, retry 2 s), exactly as deployed.
const namespace = 'catalog-ha';
const WRITES = 'greenroom_catalog_status_writes_total';
const replica = operatorProcesses({ kubeconfig: process.env.KUBECONFIG ?? '', namespace });

const team = { kind: 'Group', name: 'platform', spec: { type: 'team' } };
const service = (name: string, dependsOn: string[] = []) => ({
  kind: 'Component',
  name,
  spec: { type: 'service', lifecycle: 'production', owner: 'platform', dependsOn },
});

beforeAll(async () => {
  await kubectl(['create', 'namespace', namespace]);
});

const holder = async (): Promise<string> =>
  kubectl(['get', 'lease', 'greenroom-operator', '-n', namespace, '-o', 'jsonpath={.spec.holderIdentity}']);

/** Waits until a Component's status is Ready and says it depends on `target`; returns when that happened. */
async function dependsOnShown(name: string, target: string, timeoutMs: number): Promise<number> {
  const ref = `component:${namespace}/${target}`;
  await eventually(
    `${name} dependsOn ${target} in status`,
    async () => {
      const status = await statusOf(namespace, 'components', name);
      const shown = status.relations?.some((r) => r.type === 'dependsOn' && r.target === ref);
      return shown && condition(status, 'Ready')?.status === 'True' ? true : undefined;
    },
    timeoutMs,
  );
  return Date.now();
}

describe('two operator replicas on one Lease', () => {
  let leader: OperatorProcess;
  let follower: OperatorProcess;

  it('when both run, then exactly one leads, only its status writes grow, and both serve the read API', async () => {
    const both = await Promise.all([replica('a'), replica('b')]);
    leader = await eventually('exactly one leader', async () => {
      const leading = await Promise.all(both.map((r) => r.leading()));
      return leading.filter(Boolean).length === 1 ? both[leading.indexOf(true)] : undefined;
    });
    follower = both.find((r) => r !== leader) as OperatorProcess;
    expect(await holder()).toBe(leader.identity);

    const writesBefore = await leader.metric(WRITES);
    await apply(namespace, team, service('checkout'), service('ledger'), service('search'));
    await apply(namespace, service('checkout', ['component:ledger']));
    await dependsOnShown('checkout', 'ledger', 20_000);
    expect(await leader.metric(WRITES)).toBeGreaterThan(writesBefore);
    expect(await follower.metric(WRITES)).toBe(0);
    expect(await follower.leading()).toBe(false);

    for (const r of both) {
      // Each replica answers from its own informer cache, the leader's writes included.
      const detail = await eventually(`the read API of ${r.identity}`, async () => {
        const body = (await (await fetch(`${r.url}/api/v1/entities/component/${namespace}/checkout`)).json()) as {
          ready?: string;
          relations?: { type: string; target: string }[];
        };
        return body.ready === 'True' ? body : undefined;
      });
      expect(detail.relations).toContainEqual({ type: 'dependsOn', target: `component:${namespace}/ledger` });
    }
  });

  it('when the leader is killed with SIGKILL, then the other takes over and a new change is in status within 30 s of the kill', async () => {
    const killedAt = Date.now();
    leader.process.kill('SIGKILL');
    await leader.process.exited;
    await apply(namespace, service('search', ['component:checkout']));
    // The Lease is not released: the standby waits until the record stood still for 15 s.
    const shownAt = await dependsOnShown('search', 'checkout', 30_000);
    expect(shownAt - killedAt).toBeLessThan(30_000);
    expect(await follower.leading()).toBe(true);
    expect(await holder()).toBe(follower.identity);
    expect(await follower.metric(WRITES)).toBeGreaterThan(0);
  });

  it('when the leader is stopped with SIGTERM, even twice, then it releases the Lease and a standby writes a new change within 10 s', async () => {
    const standby = await replica('c');
    const stoppedAt = Date.now();
    // A second SIGTERM while shutting down (a supervisor signalling the group, Ctrl-C twice)
    // must not cut the release of the Lease short.
    const node = Number(readFileSync(`/proc/${follower.process.pid}/task/${follower.process.pid}/children`, 'utf8').trim().split(/\s+/)[0]);
    process.kill(node, 'SIGTERM');
    await new Promise((r) => setTimeout(r, 20));
    process.kill(node, 'SIGTERM');
    await apply(namespace, service('billing', ['component:search']));
    // Under the 15 s lease duration: only a released Lease is taken over this fast.
    const shownAt = await dependsOnShown('billing', 'search', 10_000);
    expect(shownAt - stoppedAt).toBeLessThan(10_000);
    expect(await follower.process.exited).toBe(0);
    expect(await standby.leading()).toBe(true);
    expect(await holder()).toBe(standby.identity);
  });
});
