import { describe, expect, it } from '@jest/globals';
import { isLabelValue, isMetadataKey, toKubernetesName, toNamespaceName } from '../../src/convert/names.ts';
import { splitEntityRef } from '../../src/convert/entity-refs.ts';

describe('mapping Backstage names to Kubernetes names', () => {
  it.each([
    ['My_Service', 'my-service'],
    ['checkout-service', 'checkout-service'],
    ['Jane.Doe', 'jane.doe'],
    ['_leading_and_trailing_', 'leading-and-trailing'],
    ['a__b', 'a-b'],
    ['dots..and._dashes', 'dots.and.dashes'],
  ])('when the name is %s, then the Kubernetes name is %s', (backstage, kubernetes) => {
    expect(toKubernetesName(backstage)).toBe(kubernetes);
  });

  it('when a name is longer than Kubernetes allows, then it is cut to 253 characters without a trailing dash', () => {
    const mapped = toKubernetesName(`${'a'.repeat(252)}_b`);
    expect(mapped).toHaveLength(252);
    expect(mapped).toMatch(/^a+$/);
  });

  it('when nothing valid is left of a name, then the result is empty so the caller can refuse it', () => {
    expect(toKubernetesName('___')).toBe('');
  });

  it('when a namespace has dots or capitals, then it becomes a DNS label', () => {
    expect(toNamespaceName('Team.Payments')).toBe('team-payments');
  });
});

describe('Kubernetes label and annotation rules', () => {
  it.each([
    ['tier', true],
    ['backstage.io/techdocs-ref', true],
    ['github.com/project-slug', true],
    ['Not A Key', false],
    ['a/b/c', false],
    ['UPPER.example/x', false],
  ])('when the key is %s, then valid is %s', (key, valid) => {
    expect(isMetadataKey(key)).toBe(valid);
  });

  it('when a label value has spaces or is longer than 63 characters, then it is not a valid label value', () => {
    expect(isLabelValue('critical')).toBe(true);
    expect(isLabelValue('')).toBe(true);
    expect(isLabelValue('Finance & Ops')).toBe(false);
    expect(isLabelValue('x'.repeat(64))).toBe(false);
  });
});

describe('splitEntityRef', () => {
  it('when every part is written, then kind, namespace and name come apart as written', () => {
    expect(splitEntityRef('group:default/Team_A')).toEqual({ kind: 'group', namespace: 'default', name: 'Team_A' });
  });

  it('when only a name is written, then kind and namespace are absent', () => {
    expect(splitEntityRef('team-a')).toEqual({ kind: undefined, namespace: undefined, name: 'team-a' });
  });

  it('when the reference has two kinds or spaces, then it is not a reference', () => {
    expect(splitEntityRef('a:b:c')).toBeUndefined();
    expect(splitEntityRef('not a name')).toBeUndefined();
  });
});
