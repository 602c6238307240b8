import { beforeAll, describe, expect, it } from '@jest/globals';
import { kubectl } from '../support/kubectl.ts';
import { apply, condition, eventually, operators, statusOf } from '../support/operator.ts';

const namespace = 'catalog-operator';
const start = operators(namespace);

const team = (name: string) => ({ kind: 'Group', name, spec: { type: 'team' } });
const service = (name: string, spec: Record<string, unknown> = {}) => ({
  kind: 'Component',
  name,
  spec: { type: 'service', lifecycle: 'production', owner: 'payments', ...spec },
});

beforeAll(async () => {
  await kubectl(['create', 'namespace', namespace]);
  await start();
});

const ready = (plural: string, name: string, expected: 'True' | 'False', reason?: string) =>
  eventually(`${plural}/${name} Ready=${expected}${reason ? ` (${reason})` : ''}`, async () => {
    const status = await statusOf(namespace, plural, name);
    const c = condition(status, 'Ready');
    return c?.status === expected && (!reason || c.reason === reason) ? status : undefined;
  });

describe('the catalog operator on a real control plane', () => {
  it('when a Component names a missing owner, then Ready is False with reason DanglingReference naming it', async () => {
    await apply(namespace, service('checkout', { owner: 'ghosts' }));
    const status = await ready('components', 'checkout', 'False', 'DanglingReference');
    expect(condition(status, 'ReferencesResolved')?.message).toBe(`spec.owner: group:${namespace}/ghosts does not exist`);
    const events = await eventually('a Warning event on the component', async () => {
      const out = await kubectl(['events', '-n', namespace, '--for', 'component/checkout', '--types', 'Warning']);
      return out.includes('DanglingReference') ? out : undefined;
    });
    expect(events).toMatch(/does not exist/);
  });

  it('when the missing owner is created later, then the reference resolves without a restart and both ends show it', async () => {
    await apply(namespace, service('ledger', { owner: 'late-team' }));
    await ready('components', 'ledger', 'False', 'DanglingReference');
    await apply(namespace, team('late-team'));
    const status = await ready('components', 'ledger', 'True');
    expect(status.relations).toEqual([{ type: 'ownedBy', target: `group:${namespace}/late-team` }]);
    const owner = await eventually('ownerOf on the group', async () => {
      const s = await statusOf(namespace, 'groups', 'late-team');
      return s.relations?.length ? s : undefined;
    });
    expect(owner.relations).toEqual([{ type: 'ownerOf', target: `component:${namespace}/ledger` }]);
  });

  it('when a target is deleted, then its referrers report the dangling reference', async () => {
    await apply(namespace, team('payments'), { kind: 'Resource', name: 'orders-db', spec: { type: 'database', owner: 'payments' } });
    await apply(namespace, service('orders', { dependsOn: ['resource:orders-db'] }));
    await ready('components', 'orders', 'True');
    await kubectl(['delete', 'resource', 'orders-db', '-n', namespace]);
    const status = await ready('components', 'orders', 'False', 'DanglingReference');
    expect(condition(status, 'Ready')?.message).toMatch(/spec\.dependsOn\[0\]: resource:catalog-operator\/orders-db does not exist/);
  });

  it('when components depend on each other in a loop, then each reports DependencyCycle and others still reconcile', async () => {
    await apply(
      namespace,
      team('payments'),
      service('ping', { dependsOn: ['component:pong'] }),
      service('pong', { dependsOn: ['component:ping'] }),
    );
    const status = await ready('components', 'ping', 'False', 'DependencyCycle');
    expect(condition(status, 'Acyclic')?.message).toBe(`dependsOn loop among component:${namespace}/ping, component:${namespace}/pong`);
    await apply(namespace, service('bystander'));
    await ready('components', 'bystander', 'True');
  });

  it('when kubectl waits for Ready, then it returns once the operator has resolved the entity', async () => {
    await apply(namespace, team('payments'), service('waiter'));
    const out = await kubectl(['wait', '--for=condition=Ready', 'component/waiter', '-n', namespace, '--timeout=30s']);
    expect(out).toMatch(/condition met/);
  });

  it('when nothing changes, then the operator does not write the status again', async () => {
    await apply(namespace, team('payments'), service('steady'));
    const first = await ready('components', 'steady', 'True');
    await new Promise((r) => setTimeout(r, 1500));
    expect((await statusOf(namespace, 'components', 'steady')).resourceVersion).toBe(first.resourceVersion);
  });

  it('when the read API is asked, then it answers from the operator graph', async () => {
    const operator = await start();
    await apply(namespace, team('payments'), service('listed'));
    await eventually('the read API to list the component', async () => {
      const res = await fetch(`${operator.url}/api/v1/entities/component/${namespace}/listed`);
      return res.status === 200 ? true : undefined;
    });
    const ready = await fetch(`${operator.url}/readyz`);
    expect(ready.status).toBe(200);
  });
});
