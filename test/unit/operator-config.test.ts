import { describe, expect, it } from '@jest/globals';
import { parseOperatorConfig } from '../../src/config.ts';

describe('the operator\'s namespace lists', () => {
  it('when --shared-template-namespaces and --cluster-scorecard-namespaces are given, then they are lists of namespaces', () => {
    const config = parseOperatorConfig(['--shared-template-namespaces', 'platform, golden', '--cluster-scorecard-namespaces=platform'], {});
    expect(config.sharedTemplateNamespaces).toEqual(['platform', 'golden']);
    expect(config.clusterScorecardNamespaces).toEqual(['platform']);
  });

  it('when they are absent, then no namespace reaches another', () => {
    const config = parseOperatorConfig([], {});
    expect(config.sharedTemplateNamespaces).toEqual([]);
    expect(config.clusterScorecardNamespaces).toEqual([]);
  });

  it('when a name is not a namespace, then start-up fails naming the flag', () => {
    expect(() => parseOperatorConfig(['--shared-template-namespaces=Platform Team'], {})).toThrow(/--shared-template-namespaces .*namespace names/);
  });
});
