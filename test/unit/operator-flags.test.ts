import { describe, expect, it } from '@jest/globals';
import { OPERATOR_USAGE, operatorConfigSchema, parseOperatorConfig } from '../../src/config.ts';
import { LIMIT_FLAGS } from '../../src/docs/limits.ts';
import { flagName, keyOfFlag } from '../../src/shared/flag-table.ts';

const keys = Object.keys(operatorConfigSchema.shape);
/** Written out here, not taken from flag-table.ts, so a wrong mapping there is caught. */
const kebab = (key: string): string => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The usage entry of one flag: its `--flag VALUE` line and the indented lines below it. */
function usageEntry(flag: string): string {
  const lines = OPERATOR_USAGE.split('\n');
  const start = lines.findIndex((line) => line.startsWith(`  --${flag} `));
  if (start < 0) return '';
  const end = lines.findIndex((line, i) => i > start && !line.startsWith('        '));
  return lines.slice(start, end).join(' ').replace(/\s+/g, ' ');
}

describe("the operator's flag table", () => {
  it('when every setting is given as a flag, then each is accepted under its kebab-case name', () => {
    expect(keys.length).toBeGreaterThan(50);
    for (const key of keys) {
      let problem = '';
      try {
        parseOperatorConfig([`--${kebab(key)}=x`], {});
      } catch (error) {
        problem = (error as Error).message;
      }
      expect({ key, problem }).not.toEqual({ key, problem: expect.stringMatching(/Unknown option/) });
    }
    expect(() => parseOperatorConfig(['--no-such-flag=1'], {})).toThrow(/Unknown option/);
  });

  it('when a kebab-case flag is given, then it sets the camel-case setting of the same words', () => {
    expect(parseOperatorConfig(['--access-cache-seconds', '45', '--oidc-ca-file=/ca.pem'], {})).toMatchObject({
      accessCacheSeconds: 45,
      oidcCaFile: '/ca.pem',
    });
    expect(keyOfFlag('docs-build-memory-mb')).toBe('docsBuildMemoryMb');
    for (const key of keys) {
      expect(flagName(key)).toBe(kebab(key));
      expect(keyOfFlag(flagName(key))).toBe(key);
    }
  });

  it('when the usage is printed, then it lists every flag with what it does and its default', () => {
    const defaults = parseOperatorConfig([], {}) as Record<string, unknown>;
    // Computed per process or parsed into objects: the usage names them in words instead.
    const shownInWords: Record<string, string> = { identity: 'HOSTNAME-PID', authProxyTrustedAddresses: 'loopback' };
    for (const key of keys) {
      const entry = usageEntry(kebab(key));
      expect({ key, listed: entry !== '' }).toEqual({ key, listed: true });
      // A value placeholder, then a description of at least a few words.
      expect(entry).toMatch(new RegExp(`^ --${kebab(key)} \\S+ \\S+ \\S+ \\S+`));
      const value = defaults[key];
      const shown = shownInWords[key] ?? (Array.isArray(value) ? value.join(',') : value);
      if (shown === undefined || shown === '') continue;
      expect({ key, entry }).toEqual({ key, entry: expect.stringContaining(`default ${String(shown)}`) });
    }
    expect(usageEntry('concurrency')).toContain('(default 8)');
    expect(usageEntry('lease-namespace')).toContain('env POD_NAMESPACE');
  });

  it('when the usage is printed, then it keeps the paragraphs on how the flags work together', () => {
    expect(OPERATOR_USAGE).toContain('--trust-proxy says\nwhose X-Forwarded-For names the client');
    expect(OPERATOR_USAGE).toContain('--auth says who is asking.');
    expect(OPERATOR_USAGE).toContain('fail with reason LimitExceeded, naming the flag');
  });

  it('when a value does not fit its flag, then start-up fails naming the flag', () => {
    expect(() => parseOperatorConfig(['--port', 'eighty'], {})).toThrow(/invalid settings: --port /);
    expect(() => parseOperatorConfig(['--template-executor', 'pod'], {})).toThrow(/--template-executor /);
    expect(() => parseOperatorConfig(['--leader-elect', 'perhaps'], {})).toThrow(/--leader-elect /);
    expect(() => parseOperatorConfig(['--session-max-age-seconds', '10', '--rule-workers', '99'], {})).toThrow(
      /--rule-workers .*; --session-max-age-seconds /,
    );
  });

  it('when a flag has an environment variable, then it is read only without the flag; other settings ignore the environment', () => {
    expect(
      parseOperatorConfig([], { POD_NAMESPACE: 'greenroom', POD_NAME: 'pod-1', DASHBOARD_URL: 'https://portal.example.com' }),
    ).toMatchObject({ leaseNamespace: 'greenroom', identity: 'pod-1', dashboardUrl: 'https://portal.example.com' });
    expect(parseOperatorConfig(['--lease-namespace', 'flag-wins'], { POD_NAMESPACE: 'greenroom' }).leaseNamespace).toBe('flag-wins');
    expect(parseOperatorConfig([], { PORT: '1234', CONCURRENCY: '2', KUBECONFIG: '/k' })).toMatchObject({
      port: 8080,
      concurrency: 8,
      kubeconfig: undefined,
    });
  });

  it('when a docs build names the flag of a limit, then that flag is one of the table', () => {
    for (const flag of Object.values(LIMIT_FLAGS)) expect(usageEntry(flag.slice(2))).not.toBe('');
  });
});
