import { describe, expect, it } from '@jest/globals';
import { DEFAULT_ACCESS_TTL_MS } from '../../src/access/reviews.ts';
import { demoFlags, demoOperatorConfig } from '../../src/cli/demo.ts';
import { OPERATOR_USAGE, operatorConfig, parseOperatorConfig } from '../../src/config.ts';
import { DEFAULT_DOCS_LIMITS } from '../../src/docs/limits.ts';
import { DEFAULT_HTTP_LIMITS } from '../../src/http/app.ts';
import { DEFAULT_WEBHOOK_ALLOWED_HOSTS } from '../../src/outbound/host-policy.ts';
import { DEFAULT_RULE_TIMEOUT_MS, DEFAULT_RULE_WORKERS } from '../../src/scorecards/rule-pool.ts';
import { parseFlags } from '../../src/shared/flag-table.ts';

/** Each `--flag` of the usage with the default it prints, as argv that gives that value again. */
function printedDefaults(): string[] {
  return (
    OPERATOR_USAGE.split(/\n(?=  --)/)
      // The last entry runs on into the paragraphs after the table.
      .map((entry) => (entry.split('\n\n')[0] ?? '').replace(/\s+/g, ' '))
      .flatMap((entry) => {
        const printed = /^ ?--(\S+) .*\(default (\S+?)[;)]/.exec(entry);
        return printed ? [`--${printed[1]}=${printed[2]}`] : [];
      })
  );
}

describe("the operator's defaults, in config.ts only", () => {
  it('when no option is given, then operatorConfig yields what the flag parser yields with no flags', () => {
    expect(operatorConfig({})).toEqual(parseOperatorConfig([], {}));
    expect(operatorConfig()).toEqual(parseOperatorConfig([], {}));
  });

  it('when every default --help prints is given back as a flag, then the settings are those of no flags at all', () => {
    const argv = printedDefaults().filter((flag) => !flag.startsWith('--identity='));
    expect(argv.length).toBeGreaterThan(30);
    expect(argv).toContain('--concurrency=8');
    expect(parseOperatorConfig(argv, {})).toEqual(operatorConfig({}));
  });

  it('when some options are given, then only those differ from the defaults, and one given as undefined keeps its default', () => {
    const config = operatorConfig({ watchNamespace: 'team-a', concurrency: 2, port: undefined });
    expect(config).toEqual({ ...parseOperatorConfig([], {}), watchNamespace: 'team-a', concurrency: 2 });
  });

  it('when a lower layer has a default of its own, then the flag takes it from there', () => {
    const config = operatorConfig({});
    expect(config).toMatchObject({
      rateLimitPerMinute: DEFAULT_HTTP_LIMITS.rateLimitPerMinute,
      maxInFlight: DEFAULT_HTTP_LIMITS.maxInFlight,
      allowedHosts: DEFAULT_HTTP_LIMITS.allowedHosts,
      trustProxy: DEFAULT_HTTP_LIMITS.trustProxy,
      accessCacheSeconds: DEFAULT_ACCESS_TTL_MS / 1000,
      webhookAllowedHosts: DEFAULT_WEBHOOK_ALLOWED_HOSTS,
      ruleWorkers: DEFAULT_RULE_WORKERS,
      ruleTimeoutMs: DEFAULT_RULE_TIMEOUT_MS,
      docsMaxFetchBytes: DEFAULT_DOCS_LIMITS.maxFetchBytes,
      docsMaxFiles: DEFAULT_DOCS_LIMITS.maxFiles,
      docsMaxPages: DEFAULT_DOCS_LIMITS.maxPages,
      docsMaxPageBytes: DEFAULT_DOCS_LIMITS.maxPageBytes,
      docsMaxAssetBytes: DEFAULT_DOCS_LIMITS.maxAssetBytes,
      docsMaxSiteBytes: DEFAULT_DOCS_LIMITS.maxSiteBytes,
      docsBuildMemoryMb: DEFAULT_DOCS_LIMITS.buildMemoryMb,
    });
  });

  it("when the demo starts its operator, then it changes only its ports, Lease and local-cluster options — concurrency is the operator's 8, not a second default of 4", () => {
    const demo = demoOperatorConfig({ port: 8080, metricsPort: 9090, namespace: 'greenroom-demo' }) as Record<string, unknown>;
    const defaults = operatorConfig({}) as Record<string, unknown>;
    const changed = Object.keys(demo).filter((key) => JSON.stringify(demo[key]) !== JSON.stringify(defaults[key]));
    expect(changed.sort()).toEqual(['allowHttpGit', 'allowedHosts', 'host', 'identity', 'leaseName', 'leaseNamespace', 'templateExecutor']);
    expect(demo.concurrency).toBe(8);
  });

  it("when the demo is started without --port or --metrics-port, then it uses the operator's default ports", () => {
    const demo = parseFlags(demoFlags, [], {});
    const defaults = operatorConfig({});
    expect({ port: demo.port, metricsPort: demo.metricsPort }).toEqual({ port: defaults.port, metricsPort: defaults.metricsPort });
  });
});
