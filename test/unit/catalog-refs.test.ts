import { describe, expect, it } from '@jest/globals';
import { canonicalOwner, formatRef, parseRef, refOf, splitRef } from '../../src/catalog/refs.ts';

const inDefault = { defaultKind: 'Group', namespace: 'default' };

describe('entity references', () => {
  it('when only a name is given, then the default kind and the referrer namespace apply', () => {
    expect(parseRef('team-a', inDefault)).toEqual({ kind: 'group', namespace: 'default', name: 'team-a' });
  });

  it('when kind and namespace are given, then they win over the defaults and everything is lower-cased', () => {
    const parsed = parseRef('User:Platform/Jane.Doe', inDefault);
    expect(parsed).toEqual({ kind: 'user', namespace: 'platform', name: 'jane.doe' });
    expect(formatRef(parsed as never)).toBe('user:platform/jane.doe');
  });

  it('when a namespace but no kind is given, then the default kind applies', () => {
    expect(parseRef('ops/sre', inDefault)).toEqual({ kind: 'group', namespace: 'ops', name: 'sre' });
  });

  it('when the field has no default kind and none is written, then the error says to name the kind', () => {
    expect(parseRef('orders-db', { defaultKind: undefined, namespace: 'default' })).toEqual({
      error: '"orders-db" must name its kind, e.g. resource:orders-db',
    });
  });

  it('when an entity ref is split, then it round-trips', () => {
    const ref = refOf('Component', 'Shop', 'Checkout');
    expect(ref).toBe('component:shop/checkout');
    expect(formatRef(splitRef(ref))).toBe(ref);
  });
});

describe('owners as spec.owner resolves them', () => {
  it('when an owner is a bare name, then it is a Group in the given namespace; a written kind and namespace are kept', () => {
    expect(canonicalOwner('Team-A', 'shop')).toBe('group:shop/team-a');
    expect(canonicalOwner('user:people/jane', 'shop')).toBe('user:people/jane');
  });

  it('when an owner does not parse, then it is kept as written', () => {
    expect(canonicalOwner('group:', 'shop')).toBe('group:');
  });
});
