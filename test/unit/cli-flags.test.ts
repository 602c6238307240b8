import { describe, expect, it } from '@jest/globals';
import { DEMO_USAGE, demoFlags } from '../../src/cli/demo.ts';
import { SCAFFOLD_USAGE, scaffoldFlags } from '../../src/cli/scaffold.ts';
import { parseFlags } from '../../src/shared/flag-table.ts';

describe("the demo's flags", () => {
  it('when no flag is given, then the dashboard is on 8080, metrics on 9090, the samples in greenroom-demo, without sign-in', () => {
    expect(parseFlags(demoFlags, [], {})).toEqual({ port: 8080, metricsPort: 9090, namespace: 'greenroom-demo', auth: 'none' });
  });

  it('when flags are given, then kebab-case names set them and a bad port or auth mode is refused naming its flag', () => {
    expect(parseFlags(demoFlags, ['--metrics-port', '0', '--context', 'kind', '--auth=oidc'], {})).toMatchObject({
      metricsPort: 0,
      context: 'kind',
      auth: 'oidc',
    });
    expect(() => parseFlags(demoFlags, ['--port', '70000'], {})).toThrow(/--port must be a port number/);
    expect(() => parseFlags(demoFlags, ['--auth', 'proxy'], {})).toThrow(/--auth /);
  });

  it('when the usage is printed, then every flag is listed with its default and the explanation follows', () => {
    for (const entry of [
      '--kubeconfig PATH',
      '--context NAME',
      '--port N',
      '(default 8080)',
      '--metrics-port N',
      '(default 9090)',
      '--namespace NS',
      '(default greenroom-demo)',
      '--auth none|oidc',
      '(default none)',
    ]) {
      expect(DEMO_USAGE).toContain(entry);
    }
    expect(DEMO_USAGE).toContain('Brings up a local control plane');
  });
});

describe("the scaffolder's flags", () => {
  it('when the operator passes workspace, snapshot and step, then they are read; --from defaults to the first step', () => {
    expect(parseFlags(scaffoldFlags, ['--workspace', '/w', '--snapshot', '/s.json', '--from', '2'], {})).toEqual({
      workspace: '/w',
      snapshot: '/s.json',
      from: 2,
    });
    expect(parseFlags(scaffoldFlags, ['--workspace', '/w', '--snapshot', '/s.json'], {}).from).toBe(0);
  });

  it('when a flag is missing or is not a step index, then the error names each flag', () => {
    expect(() => parseFlags(scaffoldFlags, [], {})).toThrow(/--workspace is required; --snapshot is required/);
    expect(() => parseFlags(scaffoldFlags, ['--workspace', '/w', '--snapshot', '/s', '--from', 'one'], {})).toThrow(
      /--from must be a step index/,
    );
    expect(() => parseFlags(scaffoldFlags, ['--workspace', '/w', '--snapshot', '/s', '--from=-1'], {})).toThrow(
      /--from must be a step index/,
    );
  });

  it('when the usage is printed, then every flag is listed and the explanation follows', () => {
    for (const entry of ['--workspace DIR', '--snapshot FILE', '--from STEP', '(default 0)', '--kubeconfig PATH', 'Exit status: 0']) {
      expect(SCAFFOLD_USAGE).toContain(entry);
    }
  });
});
