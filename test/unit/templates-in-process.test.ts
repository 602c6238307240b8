import { describe, expect, it } from '@jest/globals';
import { EventEmitter } from 'node:events';
import type { spawn } from 'node:child_process';
import { KubeConfig } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { createLogger } from '../../src/observability/logger.ts';
import { childEnv, currentContextOnly, InProcessExecutor } from '../../src/templates/in-process-executor.ts';
import type { RunSnapshot } from '../../src/templates/snapshot.ts';

const snapshot: RunSnapshot = {
  run: { namespace: 'team-a', name: 'orders', uid: 'run-uid-1' },
  template: {
    namespace: 'platform',
    name: 'service',
    uid: 't-1',
    generation: 1,
    spec: {
      type: 'service',
      owner: 'team-platform',
      skeleton: { inline: { 'a.txt': 'a' } },
      steps: [{ name: 'render', action: 'render' }],
    },
  },
  values: {},
};

function kubeConfig(): KubeConfig {
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [
      { name: 'prod', server: 'https://prod.example:6443' },
      { name: 'dev', server: 'https://dev.example:6443' },
    ],
    users: [
      { name: 'operator', token: 'operator-token' },
      { name: 'admin', token: 'admin-token' },
    ],
    contexts: [
      { name: 'prod', cluster: 'prod', user: 'operator' },
      { name: 'dev', cluster: 'dev', user: 'admin' },
    ],
    currentContext: 'prod',
  });
  return config;
}

describe('the in-process executor', () => {
  it('when a run is started twice, then only one child is spawned and the second start says so', async () => {
    const children: EventEmitter[] = [];
    const fakeSpawn = (() => {
      children.push(Object.assign(new EventEmitter(), { pid: undefined, stdout: null, stderr: null }));
      return children.at(-1);
    }) as unknown as typeof spawn;
    const executor = new InProcessExecutor({
      kubeConfig: kubeConfig(),
      logger: createLogger('silent'),
      onExit: () => undefined,
      maxConcurrent: 4,
      spawn: fakeSpawn,
    });
    const [first, second] = await Promise.all([executor.start(snapshot, {}, (t) => t), executor.start(snapshot, {}, (t) => t)]);
    expect([first, second].sort()).toEqual([false, true]);
    expect(await executor.start(snapshot, {}, (t) => t)).toBe(false);
    expect(children).toHaveLength(1);
    expect(executor.execution('run-uid-1')).toEqual({ state: 'running' });
    children[0]!.emit('close', 0, null); // removes the child's workspace
    expect(executor.execution('run-uid-1')).toMatchObject({ state: 'succeeded' });
  });

  it("when the child's environment is made, then it holds the few inherited settings, the run and its credentials — not the operator's other variables", () => {
    const env = childEnv(
      {
        PATH: '/usr/bin',
        HTTPS_PROXY: 'http://proxy:3128',
        KUBECONFIG: '/etc/operator/kubeconfig',
        GREENROOM_LOG_LEVEL: 'debug',
        AWS_SECRET_ACCESS_KEY: 'x',
      },
      snapshot,
      { GREENROOM_STEP_0_PASSWORD: 'pw' },
      '/tmp/run',
    );
    expect(env).toEqual({
      PATH: '/usr/bin',
      HTTPS_PROXY: 'http://proxy:3128',
      GREENROOM_RUN_NAMESPACE: 'team-a',
      GREENROOM_RUN_NAME: 'orders',
      GREENROOM_RUN_UID: 'run-uid-1',
      GREENROOM_STEP_0_PASSWORD: 'pw',
      GREENROOM_EXIT_WITH_STDIN: '1',
      HOME: '/tmp/run',
    });
  });

  it("when the child's kubeconfig is written, then it holds the operator's current context only", () => {
    const written = parse(currentContextOnly(kubeConfig())) as {
      contexts: { name: string }[];
      clusters: { name: string }[];
      users: { name: string }[];
      'current-context': string;
    };
    expect(written['current-context']).toBe('prod');
    expect([written.contexts.map((c) => c.name), written.clusters.map((c) => c.name), written.users.map((u) => u.name)]).toEqual([
      ['prod'],
      ['prod'],
      ['operator'],
    ]);
  });
});
