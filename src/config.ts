import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { z } from 'zod';

/** Operator settings: flags win over environment variables, which win over defaults. */
export const operatorConfigSchema = z.object({
  kubeconfig: z.string().optional().describe('kubeconfig file; in-cluster or $KUBECONFIG when absent'),
  context: z.string().optional(),
  port: z.coerce.number().int().min(0).max(65535).default(8080),
  host: z.string().default('0.0.0.0'),
  leaderElect: z.stringbool().default(true),
  leaseNamespace: z.string().min(1).default('default'),
  leaseName: z.string().min(1).default('greenroom-operator'),
  identity: z.string().min(1).default(`${hostname()}-${process.pid}`),
  concurrency: z.coerce.number().int().min(1).max(64).default(8),
  watchNamespace: z.string().min(1).optional().describe('watch one namespace; all when absent'),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type OperatorConfig = z.infer<typeof operatorConfigSchema>;

export const OPERATOR_USAGE = `greenroom operator [--kubeconfig PATH] [--context NAME] [--port 8080] [--host 0.0.0.0]
                  [--leader-elect true|false] [--lease-namespace NS] [--lease-name NAME]
                  [--identity ID] [--concurrency 8] [--watch-namespace NS] [--log-level info]

Runs the controllers (only the Lease holder writes) and serves the read API, dashboard,
/healthz, /readyz and /metrics from every replica. Environment: KUBECONFIG, POD_NAMESPACE
(lease namespace), POD_NAME (identity), WATCH_NAMESPACE, LOG_LEVEL.`;

/** Parses flags and environment once, failing with every problem named. */
export function parseOperatorConfig(argv: string[], env: NodeJS.ProcessEnv): OperatorConfig {
  const { values } = parseArgs({
    args: argv,
    options: {
      kubeconfig: { type: 'string' },
      context: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'leader-elect': { type: 'string' },
      'lease-namespace': { type: 'string' },
      'lease-name': { type: 'string' },
      identity: { type: 'string' },
      concurrency: { type: 'string' },
      'watch-namespace': { type: 'string' },
      'log-level': { type: 'string' },
    },
  });
  const parsed = operatorConfigSchema.safeParse({
    kubeconfig: values.kubeconfig,
    context: values.context,
    port: values.port,
    host: values.host,
    leaderElect: values['leader-elect'],
    leaseNamespace: values['lease-namespace'] ?? env.POD_NAMESPACE,
    leaseName: values['lease-name'],
    identity: values.identity ?? env.POD_NAME,
    concurrency: values.concurrency,
    watchNamespace: values['watch-namespace'] ?? env.WATCH_NAMESPACE,
    logLevel: values['log-level'] ?? env.LOG_LEVEL,
  });
  if (!parsed.success) {
    throw new Error(`invalid settings: ${parsed.error.issues.map((i) => `--${kebab(String(i.path[0]))} ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
