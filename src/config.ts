import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { commaSeparated } from './comma-separated.ts';
import { parseTrustProxy } from './http/guards.ts';
import { DEFAULT_WEBHOOK_ALLOWED_HOSTS } from './scorecards/webhook-policy.ts';
import { DEFAULT_DOCS_LIMITS } from './docs/limits.ts';
import { AUTH_MODES } from './http/auth/person.ts';
import { parseTrustedPeers } from './http/auth/trusted-peers.ts';
import { DEFAULT_PROXY_HEADERS } from './http/auth/proxy.ts';

/** The release this code is; scaffolding Jobs use the image of the same version. */
export const VERSION = '0.1.0';

/**
 * A comma-separated list of namespace names (`a,b`), as a flag gives it; empty when absent.
 * Each must be a DNS label, so a typo fails at start-up instead of silently widening nothing.
 */
const namespaceList = z
  .string()
  .default('')
  .transform(commaSeparated)
  .pipe(z.array(z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be namespace names separated by commas').max(63)));

/** Operator settings: flags win over environment variables, which win over defaults. */
export const operatorConfigSchema = z.object({
  kubeconfig: z.string().optional().describe('kubeconfig file; in-cluster or $KUBECONFIG when absent'),
  context: z.string().optional(),
  port: z.coerce.number().int().min(0).max(65535).default(8080),
  host: z.string().default('0.0.0.0'),
  metricsPort: z.coerce.number().int().min(0).max(65535).default(9090).describe('port of /metrics alone, kept off the dashboard port an Ingress publishes'),
  allowedHosts: z
    .string()
    .default('')
    .transform(commaSeparated)
    .describe('host names the dashboard answers to; any when empty'),
  trustProxy: z
    .string()
    .default('false')
    .transform((v, ctx) => {
      const parsed = parseTrustProxy(v);
      if (typeof parsed === 'object' && !Array.isArray(parsed)) {
        ctx.addIssue({ code: 'custom', message: parsed.error });
        return z.NEVER;
      }
      return parsed;
    })
    .describe('proxies whose X-Forwarded-For names the client: false, a hop count, or addresses/CIDRs'),
  rateLimitPerMinute: z.coerce.number().int().min(0).default(1200).describe('requests a minute per client address; 0 turns the limit off'),
  maxInFlight: z.coerce.number().int().min(0).default(64).describe('requests answered at once, more get 503; 0 turns the bound off'),
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
  // Where namespaced objects may reach other namespaces; everywhere else they stay in their own.
  sharedTemplateNamespaces: namespaceList.describe('namespaces whose Templates runs in other namespaces may use'),
  clusterScorecardNamespaces: namespaceList.describe('namespaces whose Scorecards and Initiatives select entities in every namespace'),
  ruleWorkers: z.coerce.number().int().min(1).max(16).default(2).describe('worker threads that evaluate Scorecard rules'),
  ruleTimeoutMs: z.coerce.number().int().min(10).max(60_000).default(1000).describe('how long one Scorecard rule may run on one entity'),
  accessCacheSeconds: z.coerce.number().int().min(1).max(300).default(30).describe("how long a signed-in person's SubjectAccessReview answers are reused"),
  dashboardUrl: z.string().url().optional().describe('the dashboard\'s external URL, for links in notifications'),
  // Webhook destinations (issue 12): tenants write webhook URLs, the operator connects.
  webhookAllowedHosts: z.string().default(DEFAULT_WEBHOOK_ALLOWED_HOSTS.join(','))
    .transform(commaSeparated)
    .describe('hosts notification webhooks may name: exact names, *.domain, or *'),
  webhookAllowPrivateAddresses: z.stringbool().default(false).describe('let webhooks reach loopback and private addresses (link-local never)'),
  allowHttpGit: z.stringbool().default(false).describe('let git use http:// remotes (credentials unencrypted); https only when false'),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // Docs builds (issue 12): bounds that keep a DocSource's build inside the pod's memory.
  docsWorkers: z.coerce.number().int().min(1).max(16).default(2).describe('docs builds at once'),
  docsMaxFetchBytes: z.coerce.number().int().min(1).default(DEFAULT_DOCS_LIMITS.maxFetchBytes),
  docsMaxFiles: z.coerce.number().int().min(1).default(DEFAULT_DOCS_LIMITS.maxFiles),
  docsMaxPages: z.coerce.number().int().min(1).default(DEFAULT_DOCS_LIMITS.maxPages),
  docsMaxPageBytes: z.coerce.number().int().min(1).default(DEFAULT_DOCS_LIMITS.maxPageBytes),
  docsMaxAssetBytes: z.coerce.number().int().min(0).default(DEFAULT_DOCS_LIMITS.maxAssetBytes),
  docsMaxSiteBytes: z.coerce.number().int().min(1).default(DEFAULT_DOCS_LIMITS.maxSiteBytes),
  docsBuildMemoryMb: z.coerce.number().int().min(32).default(DEFAULT_DOCS_LIMITS.buildMemoryMb).describe('heap of each docs build process'),
  // Sign-in (issue 13): who is asking, so reads are filtered and writes made as them.
  auth: z.enum(AUTH_MODES).default('none').describe('none (anonymous, read-only), proxy (headers of an authenticating proxy) or oidc (built-in sign-in)'),
  authProxyTrustedAddresses: z.string().default('loopback')
    .transform((v, ctx) => {
      const parsed = parseTrustedPeers(v);
      if (!Array.isArray(parsed)) {
        ctx.addIssue({ code: 'custom', message: parsed.error });
        return z.NEVER;
      }
      return parsed;
    })
    .describe('peers whose identity headers are believed: addresses, CIDRs or loopback'),
  authProxyUserHeader: z.string().min(1).default(DEFAULT_PROXY_HEADERS.userHeader),
  authProxyGroupsHeader: z.string().min(1).default(DEFAULT_PROXY_HEADERS.groupsHeader),
  authProxyEmailHeader: z.string().min(1).default(DEFAULT_PROXY_HEADERS.emailHeader),
  authProxyUsernamePrefix: z.string().default(''),
  authProxyGroupsPrefix: z.string().default(''),
  oidcIssuerUrl: z.string().url().optional(),
  oidcClientId: z.string().min(1).optional(),
  oidcClientSecretFile: z.string().min(1).optional().describe('file holding the client secret (a mounted Secret)'),
  oidcCaFile: z.string().min(1).optional().describe('PEM CA bundle of a private-CA issuer'),
  oidcScopes: z.string().default('openid,email,profile').transform(commaSeparated),
  oidcUsernameClaim: z.string().min(1).default('sub'),
  oidcUsernamePrefix: z.string().optional().describe('as kube-apiserver: absent, ISSUER# unless the claim is email; - for none'),
  oidcGroupsClaim: z.string().default('groups'),
  oidcGroupsPrefix: z.string().default(''),
  sessionSecretFile: z.string().min(1).optional().describe('file of at least 32 bytes sealing session cookies and CSRF tokens'),
  sessionMaxAgeSeconds: z.coerce.number().int().min(300).max(7 * 24 * 3600).default(8 * 3600).describe('how long a sign-in lasts'),
}).superRefine((c, ctx) => {
  if (c.auth !== 'oidc') return;
  for (const key of ['oidcIssuerUrl', 'oidcClientId', 'oidcClientSecretFile', 'sessionSecretFile', 'dashboardUrl'] as const) {
    if (!c[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'is needed with --auth oidc' });
  }
});

export type OperatorConfig = z.infer<typeof operatorConfigSchema>;

export const OPERATOR_USAGE = `greenroom operator [--kubeconfig PATH] [--context NAME] [--port 8080] [--host 0.0.0.0]
                  [--metrics-port 9090] [--allowed-hosts portal.example.com,...]
                  [--trust-proxy false|HOPS|CIDR,...] [--rate-limit-per-minute 1200]
                  [--max-in-flight 64]
                  [--leader-elect true|false] [--lease-namespace NS] [--lease-name NAME]
                  [--identity ID] [--concurrency 8] [--watch-namespace NS] [--log-level info]
                  [--template-executor job|in-process] [--scaffold-image IMAGE]
                  [--scaffold-service-account greenroom-scaffolder]
                  [--scaffold-job-ttl-seconds 3600] [--scaffold-job-deadline-seconds 900]
                  [--dashboard-url https://portal.example.com] [--allow-http-git false]
                  [--webhook-allowed-hosts hooks.slack.com] [--webhook-allow-private-addresses false]
                  [--shared-template-namespaces NS,...] [--cluster-scorecard-namespaces NS,...]
                  [--docs-workers 2] [--docs-build-memory-mb 64] [--docs-max-fetch-bytes N]
                  [--docs-max-files N] [--docs-max-pages N] [--docs-max-page-bytes N]
                  [--docs-max-asset-bytes N] [--docs-max-site-bytes N]
                  [--rule-workers 2] [--rule-timeout-ms 1000] [--access-cache-seconds 30]
                  [--auth none|proxy|oidc] [--auth-proxy-trusted-addresses loopback,CIDR,...]
                  [--auth-proxy-user-header X-Forwarded-User] [--auth-proxy-groups-header X-Forwarded-Groups]
                  [--auth-proxy-email-header X-Forwarded-Email]
                  [--auth-proxy-username-prefix P] [--auth-proxy-groups-prefix P]
                  [--oidc-issuer-url URL] [--oidc-client-id ID] [--oidc-client-secret-file PATH]
                  [--oidc-ca-file PATH] [--oidc-scopes openid,email,profile]
                  [--oidc-username-claim sub] [--oidc-username-prefix P|-]
                  [--oidc-groups-claim groups] [--oidc-groups-prefix P]
                  [--session-secret-file PATH] [--session-max-age-seconds 28800]

Runs the controllers (only the Lease holder writes) and serves the read API, dashboard,
/healthz and /readyz from every replica on --port, and /metrics on --metrics-port.
Environment: KUBECONFIG, POD_NAMESPACE (lease namespace), POD_NAME (identity),
WATCH_NAMESPACE, LOG_LEVEL, TEMPLATE_EXECUTOR, SCAFFOLD_IMAGE, SCAFFOLD_SERVICE_ACCOUNT,
ALLOWED_HOSTS, TRUST_PROXY, ALLOW_HTTP_GIT, LOG_FORMAT (auto: pretty lines on a terminal, JSON otherwise; json; pretty).

--allowed-hosts answers other Host headers 421 (the probes answer any). --trust-proxy says
whose X-Forwarded-For names the client for the per-client rate limit: 1 behind one Ingress
controller, or the controllers' addresses or CIDR; never every peer.

git (template skeletons and pushes, DocSources) uses https remotes only; --allow-http-git true
also allows plain http (a local git server; credentials then cross the network unencrypted).
Credentials go only to the hosts their Secret's greenroom.dev/allowed-hosts annotation lists.

Scorecard rules run in --rule-workers worker threads; a rule running longer than
--rule-timeout-ms on one entity is stopped and reported on its Scorecard.

A signed-in person sees what their RBAC lets them list (SubjectAccessReviews sent as the
operator, answers reused for --access-cache-seconds, so a new RoleBinding shows within it).

Template runs execute as one Job each in the Greenroom image (\`greenroom scaffold\`), run as
the scaffold ServiceAccount of the run's namespace; --template-executor in-process runs them
as child processes instead (clusters without nodes, such as the demo's).

Notification webhooks (a Secret named by a Group's greenroom.dev/webhook-secret annotation)
may only name a host of --webhook-allowed-hosts (comma-separated: exact names, *.domain, or *;
default hooks.slack.com, Slack's webhook host) and are refused when the name resolves to a
loopback, private or link-local address; --webhook-allow-private-addresses admits loopback and
private ones (a receiver on 127.0.0.1, an in-cluster relay), never link-local. Environment:
WEBHOOK_ALLOWED_HOSTS, WEBHOOK_ALLOW_PRIVATE_ADDRESSES.

Namespaced objects act in their own namespace: a TemplateRun uses a Template of another
namespace only if that namespace is in --shared-template-namespaces, and only Scorecards and
Initiatives in --cluster-scorecard-namespaces select entities of other namespaces.


Each docs build runs in a child process with a heap of --docs-build-memory-mb; docs past a
--docs-max-* limit (or that heap) fail with reason LimitExceeded, naming the flag.

--auth says who is asking. none: nobody; the portal is anonymous and read-only (the default).
proxy: an authenticating proxy (oauth2-proxy, Pomerium) names the person in the user, groups
(comma-separated) and email headers; only peers of --auth-proxy-trusted-addresses (by socket
address) are answered, everyone else gets 403. oidc: the portal signs people in itself
(authorization code with PKCE) at --oidc-issuer-url, with --dashboard-url as its external URL
(the redirect URI is DASHBOARD_URL/auth/callback). The username and groups claims and prefixes
work like kube-apiserver's --oidc-* flags: give the same values so a person's RoleBindings
apply alike to kubectl and the portal. Under proxy and oidc, writes (starting runs) are made
as the person by impersonation and need a CSRF token; --session-secret-file (32 bytes or more)
seals the session cookie and CSRF tokens (needed for oidc; under proxy a random one per
process when absent, so give one to several replicas). Environment: AUTH,
AUTH_PROXY_TRUSTED_ADDRESSES, OIDC_ISSUER_URL, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET_FILE,
OIDC_CA_FILE, SESSION_SECRET_FILE.`;

/** Parses flags and environment once, failing with every problem named. */
export function parseOperatorConfig(argv: string[], env: NodeJS.ProcessEnv): OperatorConfig {
  const { values } = parseArgs({
    args: argv,
    options: {
      kubeconfig: { type: 'string' },
      context: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'metrics-port': { type: 'string' },
      'allowed-hosts': { type: 'string' },
      'trust-proxy': { type: 'string' },
      'rate-limit-per-minute': { type: 'string' },
      'max-in-flight': { type: 'string' },
      'leader-elect': { type: 'string' },
      'lease-namespace': { type: 'string' },
      'lease-name': { type: 'string' },
      identity: { type: 'string' },
      concurrency: { type: 'string' },
      'watch-namespace': { type: 'string' },
      'log-level': { type: 'string' },
      'dashboard-url': { type: 'string' },
      'webhook-allowed-hosts': { type: 'string' },
      'webhook-allow-private-addresses': { type: 'string' },
      'rule-workers': { type: 'string' },
      'rule-timeout-ms': { type: 'string' },
      'access-cache-seconds': { type: 'string' },
      'template-executor': { type: 'string' },
      'scaffold-image': { type: 'string' },
      'scaffold-service-account': { type: 'string' },
      'scaffold-job-ttl-seconds': { type: 'string' },
      'scaffold-job-deadline-seconds': { type: 'string' },
      'shared-template-namespaces': { type: 'string' },
      'cluster-scorecard-namespaces': { type: 'string' },
      'allow-http-git': { type: 'string' },
      'docs-workers': { type: 'string' },
      'docs-max-fetch-bytes': { type: 'string' },
      'docs-max-files': { type: 'string' },
      'docs-max-pages': { type: 'string' },
      'docs-max-page-bytes': { type: 'string' },
      'docs-max-asset-bytes': { type: 'string' },
      'docs-max-site-bytes': { type: 'string' },
      'docs-build-memory-mb': { type: 'string' },
      auth: { type: 'string' },
      'auth-proxy-trusted-addresses': { type: 'string' },
      'auth-proxy-user-header': { type: 'string' },
      'auth-proxy-groups-header': { type: 'string' },
      'auth-proxy-email-header': { type: 'string' },
      'auth-proxy-username-prefix': { type: 'string' },
      'auth-proxy-groups-prefix': { type: 'string' },
      'oidc-issuer-url': { type: 'string' },
      'oidc-client-id': { type: 'string' },
      'oidc-client-secret-file': { type: 'string' },
      'oidc-ca-file': { type: 'string' },
      'oidc-scopes': { type: 'string' },
      'oidc-username-claim': { type: 'string' },
      'oidc-username-prefix': { type: 'string' },
      'oidc-groups-claim': { type: 'string' },
      'oidc-groups-prefix': { type: 'string' },
      'session-secret-file': { type: 'string' },
      'session-max-age-seconds': { type: 'string' },
    },
  });
  const parsed = operatorConfigSchema.safeParse({
    kubeconfig: values.kubeconfig,
    context: values.context,
    port: values.port,
    host: values.host,
    metricsPort: values['metrics-port'],
    allowedHosts: values['allowed-hosts'] ?? env.ALLOWED_HOSTS,
    trustProxy: values['trust-proxy'] ?? env.TRUST_PROXY,
    rateLimitPerMinute: values['rate-limit-per-minute'],
    maxInFlight: values['max-in-flight'],
    leaderElect: values['leader-elect'],
    leaseNamespace: values['lease-namespace'] ?? env.POD_NAMESPACE,
    leaseName: values['lease-name'],
    identity: values.identity ?? env.POD_NAME,
    concurrency: values.concurrency,
    watchNamespace: values['watch-namespace'] ?? env.WATCH_NAMESPACE,
    logLevel: values['log-level'] ?? env.LOG_LEVEL,
    dashboardUrl: values['dashboard-url'] ?? env.DASHBOARD_URL,
    webhookAllowedHosts: values['webhook-allowed-hosts'] ?? env.WEBHOOK_ALLOWED_HOSTS,
    webhookAllowPrivateAddresses: values['webhook-allow-private-addresses'] ?? env.WEBHOOK_ALLOW_PRIVATE_ADDRESSES,
    ruleWorkers: values['rule-workers'],
    ruleTimeoutMs: values['rule-timeout-ms'],
    accessCacheSeconds: values['access-cache-seconds'],
    templateExecutor: values['template-executor'] ?? env.TEMPLATE_EXECUTOR,
    scaffoldImage: values['scaffold-image'] ?? env.SCAFFOLD_IMAGE,
    scaffoldServiceAccount: values['scaffold-service-account'] ?? env.SCAFFOLD_SERVICE_ACCOUNT,
    scaffoldJobTtlSeconds: values['scaffold-job-ttl-seconds'],
    scaffoldJobDeadlineSeconds: values['scaffold-job-deadline-seconds'],
    sharedTemplateNamespaces: values['shared-template-namespaces'],
    clusterScorecardNamespaces: values['cluster-scorecard-namespaces'],
    allowHttpGit: values['allow-http-git'] ?? env.ALLOW_HTTP_GIT,
    docsWorkers: values['docs-workers'],
    docsMaxFetchBytes: values['docs-max-fetch-bytes'],
    docsMaxFiles: values['docs-max-files'],
    docsMaxPages: values['docs-max-pages'],
    docsMaxPageBytes: values['docs-max-page-bytes'],
    docsMaxAssetBytes: values['docs-max-asset-bytes'],
    docsMaxSiteBytes: values['docs-max-site-bytes'],
    docsBuildMemoryMb: values['docs-build-memory-mb'],
    auth: values.auth ?? env.AUTH,
    authProxyTrustedAddresses: values['auth-proxy-trusted-addresses'] ?? env.AUTH_PROXY_TRUSTED_ADDRESSES,
    authProxyUserHeader: values['auth-proxy-user-header'],
    authProxyGroupsHeader: values['auth-proxy-groups-header'],
    authProxyEmailHeader: values['auth-proxy-email-header'],
    authProxyUsernamePrefix: values['auth-proxy-username-prefix'],
    authProxyGroupsPrefix: values['auth-proxy-groups-prefix'],
    oidcIssuerUrl: values['oidc-issuer-url'] ?? env.OIDC_ISSUER_URL,
    oidcClientId: values['oidc-client-id'] ?? env.OIDC_CLIENT_ID,
    oidcClientSecretFile: values['oidc-client-secret-file'] ?? env.OIDC_CLIENT_SECRET_FILE,
    oidcCaFile: values['oidc-ca-file'] ?? env.OIDC_CA_FILE,
    oidcScopes: values['oidc-scopes'],
    oidcUsernameClaim: values['oidc-username-claim'],
    oidcUsernamePrefix: values['oidc-username-prefix'],
    oidcGroupsClaim: values['oidc-groups-claim'],
    oidcGroupsPrefix: values['oidc-groups-prefix'],
    sessionSecretFile: values['session-secret-file'] ?? env.SESSION_SECRET_FILE,
    sessionMaxAgeSeconds: values['session-max-age-seconds'],
  });
  if (!parsed.success) {
    throw new Error(`invalid settings: ${parsed.error.issues.map((i) => `--${kebab(String(i.path[0]))} ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
