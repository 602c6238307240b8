import { describe, expect, it } from '@jest/globals';
import { parseOperatorConfig } from '../../src/config.ts';

describe("the operator's HTTP settings", () => {
  it('when no flag is given, then metrics get port 9090, any host is served, no proxy is trusted and the limits are on', () => {
    const config = parseOperatorConfig([], {});
    expect(config).toMatchObject({
      port: 8080,
      metricsPort: 9090,
      allowedHosts: [],
      trustProxy: false,
      rateLimitPerMinute: 1200,
      maxInFlight: 64,
    });
  });

  it('when the flags and environment are given, then flags win and lists are split', () => {
    const config = parseOperatorConfig(
      ['--metrics-port', '9191', '--trust-proxy', '10.0.0.0/8,loopback', '--rate-limit-per-minute', '0', '--max-in-flight', '8'],
      {
        ALLOWED_HOSTS: 'portal.example.com, portal.internal',
        TRUST_PROXY: '1',
      },
    );
    expect(config).toMatchObject({
      metricsPort: 9191,
      allowedHosts: ['portal.example.com', 'portal.internal'],
      trustProxy: ['10.0.0.0/8', 'loopback'],
      rateLimitPerMinute: 0,
      maxInFlight: 8,
    });
  });

  it('when trust proxy is "true", then the settings are refused naming the flag', () => {
    expect(() => parseOperatorConfig(['--trust-proxy', 'true'], {})).toThrow(
      /--trust-proxy true would let any client choose its own address/,
    );
  });
});

describe("the operator's namespace lists", () => {
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
    expect(() => parseOperatorConfig(['--shared-template-namespaces=Platform Team'], {})).toThrow(
      /--shared-template-namespaces .*namespace names/,
    );
  });
});
