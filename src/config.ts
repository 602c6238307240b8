import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { z } from 'zod';

/** The release this code is; scaffolding Jobs use the image of the same version. */
export const VERSION = '0.1.0';

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
  templateExecutor: z.enum(['job', 'in-process']).default('job').describe('where template runs execute: a Job each, or child processes of the operator'),
  scaffoldImage: z.string().min(1).default(`ghcr.io/greenroom-dev/greenroom:${VERSION}`).describe('image of scaffolding Jobs (this image)'),
  scaffoldServiceAccount: z.string().min(1).default('greenroom-scaffolder'),
  scaffoldJobTtlSeconds: z.coerce.number().int().min(0).default(3600),
  scaffoldJobDeadlineSeconds: z.coerce.number().int().min(10).default(900),
  ruleWorkers: z.coerce.number().int().min(1).max(16).default(2).describe('worker threads that evaluate Scorecard rules'),
  ruleTimeoutMs: z.coerce.number().int().min(10).max(60_000).default(1000).describe('how long one Scorecard rule may run on one entity'),
  dashboardUrl: z.string().url().optional().describe('the dashboard\'s external URL, for links in notifications'),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type OperatorConfig = z.infer<typeof operatorConfigSchema>;

export const OPERATOR_USAGE = `greenroom operator [--kubeconfig PATH] [--context NAME] [--port 8080] [--host 0.0.0.0]
                  [--leader-elect true|false] [--lease-namespace NS] [--lease-name NAME]
                  [--identity ID] [--concurrency 8] [--watch-namespace NS] [--log-level info]
                  [--template-executor job|in-process] [--scaffold-image IMAGE]
                  [--scaffold-service-account greenroom-scaffolder]
                  [--scaffold-job-ttl-seconds 3600] [--scaffold-job-deadline-seconds 900]
                  [--dashboard-url https://portal.example.com]
                  [--rule-workers 2] [--rule-timeout-ms 1000]

Runs the controllers (only the Lease holder writes) and serves the read API, dashboard,
/healthz, /readyz and /metrics from every replica. Environment: KUBECONFIG, POD_NAMESPACE
(lease namespace), POD_NAME (identity), WATCH_NAMESPACE, LOG_LEVEL, TEMPLATE_EXECUTOR,
SCAFFOLD_IMAGE, SCAFFOLD_SERVICE_ACCOUNT.

Scorecard rules run in --rule-workers worker threads; a rule running longer than
--rule-timeout-ms on one entity is stopped and reported on its Scorecard.

Template runs execute as one Job each in the Greenroom image (\`greenroom scaffold\`), run as
the scaffold ServiceAccount of the run's namespace; --template-executor in-process runs them
as child processes instead (clusters without nodes, such as the demo's).`;

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
      'dashboard-url': { type: 'string' },
      'rule-workers': { type: 'string' },
      'rule-timeout-ms': { type: 'string' },
      'template-executor': { type: 'string' },
      'scaffold-image': { type: 'string' },
      'scaffold-service-account': { type: 'string' },
      'scaffold-job-ttl-seconds': { type: 'string' },
      'scaffold-job-deadline-seconds': { type: 'string' },
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
    dashboardUrl: values['dashboard-url'] ?? env.DASHBOARD_URL,
    ruleWorkers: values['rule-workers'],
    ruleTimeoutMs: values['rule-timeout-ms'],
    templateExecutor: values['template-executor'] ?? env.TEMPLATE_EXECUTOR,
    scaffoldImage: values['scaffold-image'] ?? env.SCAFFOLD_IMAGE,
    scaffoldServiceAccount: values['scaffold-service-account'] ?? env.SCAFFOLD_SERVICE_ACCOUNT,
    scaffoldJobTtlSeconds: values['scaffold-job-ttl-seconds'],
    scaffoldJobDeadlineSeconds: values['scaffold-job-deadline-seconds'],
  });
  if (!parsed.success) {
    throw new Error(`invalid settings: ${parsed.error.issues.map((i) => `--${kebab(String(i.path[0]))} ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
