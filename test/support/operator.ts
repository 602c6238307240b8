import { afterAll } from '@jest/globals';
import { Writable } from 'node:stream';
import { CustomObjectsApi } from '@kubernetes/client-node';
import type { EntityStatus } from '../../src/api/v1alpha1/index.ts';
import { loadKubeConfig } from '../../src/kube/config.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { createMetricsRegistry } from '../../src/observability/metrics.ts';
import { operatorConfig, type OperatorConfig } from '../../src/config.ts';
import { startOperator, type OperatorSettings, type RunningOperator } from '../../src/operator/run.ts';
import { kubectl } from './kubectl.ts';

/** Logs of in-test operators go nowhere unless GREENROOM_TEST_LOGS=1. */
export const testLogger = () =>
  createLogger(
    process.env.GREENROOM_TEST_LOGS === '1' ? 'debug' : 'silent',
    process.env.GREENROOM_TEST_LOGS === '1' ? process.stderr : new Writable({ write: (_c, _e, done) => done() }),
  );

/**
 * What a test may set: any operator option of config.ts (a flag), and the replica's other
 * settings (its logger, sign-in, clock). `auth` is the replica's sign-in settings, not the flag.
 */
export type OperatorOverrides = Partial<Omit<OperatorConfig, 'auth'>> & Partial<Omit<OperatorSettings, 'config'>>;

/** Starts an operator scoped to one namespace; stopped after the file's tests. */
export function operators(namespace: string): (overrides?: OperatorOverrides) => Promise<RunningOperator> {
  const running: RunningOperator[] = [];
  afterAll(async () => {
    await Promise.all(running.map((r) => r.stop()));
  });
  return async (overrides = {}) => {
    const { kubeConfig, logger, registry, auth, now, leaseTimings, informerTimings, ...options } = overrides;
    const operator = await startOperator({
      kubeConfig: kubeConfig ?? loadKubeConfig(),
      logger: logger ?? testLogger(),
      registry: registry ?? createMetricsRegistry(),
      auth,
      now,
      leaseTimings,
      informerTimings,
      config: operatorConfig({
        port: 0,
        metricsPort: 0,
        host: '127.0.0.1',
        leaderElect: false,
        leaseNamespace: namespace,
        leaseName: 'greenroom-test',
        identity: `test-${running.length}`,
        concurrency: 4,
        watchNamespace: namespace,
        // The tests' git servers (src/local-cluster/git-server.ts) speak plain http.
        allowHttpGit: true,
        ...options,
      }),
    });
    running.push(operator);
    return operator;
  };
}

const custom = () => loadKubeConfig().makeApiClient(CustomObjectsApi);

/** Reads an entity's status straight from the apiserver. */
export async function statusOf(namespace: string, plural: string, name: string): Promise<EntityStatus & { resourceVersion: string }> {
  const object = (await custom().getNamespacedCustomObject({ group: 'greenroom.dev', version: 'v1alpha1', namespace, plural, name })) as {
    status?: EntityStatus;
    metadata: { resourceVersion: string };
  };
  return { ...(object.status ?? {}), resourceVersion: object.metadata.resourceVersion };
}

/** Polls until `check` returns a value (not undefined), or fails naming what never happened. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`${what} did not happen within ${timeoutMs} ms${last ? ` (last error: ${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Applies catalog objects (JSON) into a namespace with kubectl. */
export async function apply(
  namespace: string,
  ...objects: { kind: string; name: string; annotations?: Record<string, string>; spec: Record<string, unknown> }[]
): Promise<void> {
  const docs = objects.map((o) =>
    JSON.stringify({
      apiVersion: 'greenroom.dev/v1alpha1',
      kind: o.kind,
      metadata: { name: o.name, namespace, ...(o.annotations ? { annotations: o.annotations } : {}) },
      spec: o.spec,
    }),
  );
  await kubectl(['apply', '-f', '-'], docs.join('\n---\n'));
}

export const condition = (status: EntityStatus, type: string) => status.conditions?.find((c) => c.type === type);
