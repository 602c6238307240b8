import { describe, expect, it } from '@jest/globals';
import { DEMO_USAGE, demoFlags } from '../../src/cli/demo.ts';
import { parseFlags } from '../../src/flag-table.ts';

describe('the demo\'s flags', () => {
  it('when no flag is given, then the dashboard is on 8080, metrics on 9090, the samples in greenroom-demo, without sign-in', () => {
    expect(parseFlags(demoFlags, [], {})).toEqual({ port: 8080, metricsPort: 9090, namespace: 'greenroom-demo', auth: 'none' });
  });

  it('when flags are given, then kebab-case names set them and a bad port or auth mode is refused naming its flag', () => {
    expect(parseFlags(demoFlags, ['--metrics-port', '0', '--context', 'kind', '--auth=oidc'], {})).toMatchObject({ metricsPort: 0, context: 'kind', auth: 'oidc' });
    expect(() => parseFlags(demoFlags, ['--port', '70000'], {})).toThrow(/--port must be a port number/);
    expect(() => parseFlags(demoFlags, ['--auth', 'proxy'], {})).toThrow(/--auth /);
  });

  it('when the usage is printed, then every flag is listed with its default and the explanation follows', () => {
    for (const entry of ['--kubeconfig PATH', '--context NAME', '--port N', '(default 8080)', '--metrics-port N', '(default 9090)',
      '--namespace NS', '(default greenroom-demo)', '--auth none|oidc', '(default none)']) {
      expect(DEMO_USAGE).toContain(entry);
    }
    expect(DEMO_USAGE).toContain('Brings up a local control plane');
  });
});
