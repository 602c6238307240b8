import { beforeAll, describe, expect, it } from '@jest/globals';
import { kubectl } from '../support/kubectl.ts';

const namespace = 'admission';

function component(spec: Record<string, unknown>, name = 'checkout'): string {
  return JSON.stringify({ apiVersion: 'greenroom.dev/v1alpha1', kind: 'Component', metadata: { name, namespace }, spec });
}

const valid = { type: 'service', lifecycle: 'production', owner: 'team-payments' };

beforeAll(async () => {
  await kubectl(['create', 'namespace', namespace]);
});

describe('admission of catalog entities (generated CRDs on the real apiserver)', () => {
  it('when a Component is valid, then kubectl apply accepts it and kubectl get catalog lists it', async () => {
    await kubectl(['apply', '-f', '-'], component(valid));
    expect(await kubectl(['get', 'catalog', '-n', namespace])).toMatch(/component\.greenroom\.dev\/checkout/);
  });

  it('when the owner is missing, then the error names spec.owner', async () => {
    await expect(kubectl(['apply', '-f', '-'], component({ type: 'service', lifecycle: 'production' }, 'no-owner'))).rejects.toThrow(
      /spec\.owner: Required value/,
    );
  });

  it('when the owner names a System, then the error says owner must reference a Group or User', async () => {
    await expect(kubectl(['apply', '-f', '-'], component({ ...valid, owner: 'system:payments' }, 'bad-owner'))).rejects.toThrow(
      /spec\.owner.*owner must reference a Group or User/,
    );
  });

  it('when a dependsOn entry has no kind, then the error says entries must name their kind', async () => {
    await expect(kubectl(['apply', '-f', '-'], component({ ...valid, dependsOn: ['orders-db'] }, 'bad-deps'))).rejects.toThrow(
      /spec\.dependsOn.*must name their kind/,
    );
  });

  it('when a reference is not a valid name, then the error names the field', async () => {
    await expect(kubectl(['apply', '-f', '-'], component({ ...valid, system: 'not a name' }, 'bad-system'))).rejects.toThrow(
      /spec\.system: Invalid value: "not a name"/,
    );
  });

  it('when a spec field is unknown, then strict validation rejects it by name', async () => {
    await expect(kubectl(['apply', '-f', '-'], component({ ...valid, ownr: 'x' }, 'typo'))).rejects.toThrow(/unknown field "spec\.ownr"/);
  });

  it('when a Group names itself as parent, then the error says it cannot be its own parent', async () => {
    const group = {
      apiVersion: 'greenroom.dev/v1alpha1',
      kind: 'Group',
      metadata: { name: 'loop', namespace },
      spec: { type: 'team', parent: 'Loop' },
    };
    await expect(kubectl(['apply', '-f', '-'], JSON.stringify(group))).rejects.toThrow(/spec\.parent.*cannot be its own parent/);
  });

  it('when kubectl explain is asked about a field, then it shows the field description', async () => {
    expect(await kubectl(['explain', 'components.spec.owner'])).toMatch(/owns this component/);
  });

  it('when a reference names a target that does not exist, then admission still accepts it (it becomes a condition)', async () => {
    await kubectl(['apply', '-f', '-'], component({ ...valid, owner: 'group:nobody', dependsOn: ['resource:missing-db'] }, 'dangling'));
    expect(await kubectl(['get', 'component', 'dangling', '-n', namespace, '-o', 'name'])).toMatch(/dangling/);
  });
});
