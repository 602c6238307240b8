import { beforeAll, describe, expect, it } from '@jest/globals';
import { runConvert } from '../../src/cli/convert.ts';
import { resolvedRefs } from '../../src/convert/entity-refs.ts';
import { kubectl } from '../support/kubectl.ts';

const namespace = 'convert-it';

interface Listed {
  kind: string;
  metadata: { name: string; namespace: string; annotations?: Record<string, string> };
  spec: Record<string, unknown>;
}

let converted: { code: number; stdout: string; stderr: string };
let listed: Listed[];

beforeAll(async () => {
  let stdout = '';
  let stderr = '';
  const code = await runConvert(['test/fixtures/backstage', '--namespace', namespace], {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  });
  converted = { code, stdout, stderr };
  await kubectl(['create', 'namespace', namespace]);
  await kubectl(['apply', '-f', '-'], stdout);
  listed = (JSON.parse(await kubectl(['get', 'catalog', '-n', namespace, '-o', 'json'])) as { items: Listed[] }).items;
});

describe('greenroom convert against the real apiserver with the generated CRDs', () => {
  it('when the Backstage fixtures are converted, then the broken entities are reported and kubectl apply accepts every converted object', () => {
    expect(converted.code).toBe(1);
    expect(converted.stderr).toMatch(/converted 14 entities, 6 skipped/);
    expect(listed).toHaveLength(14);
  });

  it('when a Backstage name had capitals or underscores, then the object has the mapped name and keeps the original in an annotation', () => {
    const checkout = listed.find((o) => o.kind === 'Component' && o.metadata.name === 'checkout-service');
    expect(checkout?.metadata.annotations?.['greenroom.dev/backstage-name']).toBe('Checkout_Service');
    expect(checkout?.spec).toMatchObject({
      owner: 'group:team-payments',
      system: 'online-shop',
      dependsOn: ['resource:orders-db', 'component:payments-gateway'],
      title: 'Checkout service',
    });
  });

  it('when the applied objects are listed, then every reference they make names one of them', () => {
    const present = new Set(listed.map((o) => `${o.kind}:${o.metadata.namespace}/${o.metadata.name}`.toLowerCase()));
    const refs = listed.flatMap((o) =>
      resolvedRefs(o, namespace).map((ref) => `${o.kind}/${o.metadata.name} ${ref.field} → ${ref.target}`),
    );
    expect(refs.length).toBeGreaterThan(20);
    expect(refs.filter((line) => !present.has(line.split(' → ')[1] ?? ''))).toEqual([]);
  });
});
