import { hostname } from 'node:os';
import { z } from 'zod';
import { commaSeparated } from './shared/comma-separated.ts';
import { flagUsage, parseFlags } from './shared/flag-table.ts';
import { parseTrustProxy } from './http/guards.ts';
import { DEFAULT_WEBHOOK_ALLOWED_HOSTS } from './outbound/host-policy.ts';
import { DEFAULT_DOCS_LIMITS } from './docs/limits.ts';
import { DEFAULT_DEFINITION_LIMITS } from './api-definitions/limits.ts';
import { AUTH_MODES } from './http/auth/person.ts';
import { parseTrustedPeers } from './http/auth/trusted-peers.ts';
import { DEFAULT_PROXY_HEADERS } from './http/auth/proxy.ts';
import { DEFAULT_HTTP_LIMITS } from './http/app.ts';
import { DEFAULT_ACCESS_TTL_MS } from './access/reviews.ts';
import { DEFAULT_RULE_TIMEOUT_MS, DEFAULT_RULE_WORKERS } from './scorecards/rule-pool.ts';

/** The release this code is; scaffolding Jobs use the image of the same version. */
export const VERSION = '0.1.0';

/** The dashboard's port and the metrics port, by default: the operator's and the demo's. */
export const DEFAULT_PORT = 8080;
export const DEFAULT_METRICS_PORT = 9090;

/** A whole number of at least `min` (and at most `max`), as a flag's text gives it. */
const whole = (min: number, max?: number) =>
  max === undefined ? z.coerce.number().int().min(min) : z.coerce.number().int().min(min).max(max);
/** A name that must not be empty. */
const name = () => z.string().min(1);
/** A comma-separated list (`a, b`), as a flag gives it: trimmed entries, empty ones dropped. */
const list = (fallback: string) => z.string().default(fallback).transform(commaSeparated);

/**
 * A comma-separated list of namespace names (`a,b`), as a flag gives it; empty when absent.
 * Each must be a DNS label, so a typo fails at start-up instead of silently widening nothing.
 */
const namespaceList = list('').pipe(
  z.array(
    z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be namespace names separated by commas')
      .max(63),
  ),
);

/** --trust-proxy's text as the HTTP guards take it, or an issue naming what is wrong. */
function trustProxyValue(text: string, ctx: z.RefinementCtx): Exclude<ReturnType<typeof parseTrustProxy>, { error: string }> {
  const parsed = parseTrustProxy(text);
  if (typeof parsed === 'object' && !Array.isArray(parsed)) {
    ctx.addIssue({ code: 'custom', message: parsed.error });
    return z.NEVER;
  }
  return parsed;
}

/** --auth-proxy-trusted-addresses' text as peers, or an issue naming what is wrong. */
function trustedPeersValue(text: string, ctx: z.RefinementCtx): Extract<ReturnType<typeof parseTrustedPeers>, unknown[]> {
  const parsed = parseTrustedPeers(text);
  if (!Array.isArray(parsed)) {
    ctx.addIssue({ code: 'custom', message: parsed.error });
    return z.NEVER;
  }
  return parsed;
}

const limits = DEFAULT_DOCS_LIMITS;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * The operator's flags, one entry each (see flag-table.ts): the key names the flag, then its
 * type, its default — the only one — what it does and, in `.meta()`, its environment
 * variable and value placeholder. Flags win over environment variables, which win over defaults.
 */
const operatorFlags = z.object({
  kubeconfig: z.string().optional().describe('kubeconfig file; in-cluster or $KUBECONFIG when absent').meta({ placeholder: 'PATH' }),
  context: z.string().optional().describe('kubeconfig context; its current one when absent').meta({ placeholder: 'NAME' }),
  port: whole(0, 65535).default(DEFAULT_PORT).describe('port of the read API, dashboard, /healthz and /readyz'),
  host: z.string().default('0.0.0.0').describe('address the ports listen on').meta({ placeholder: 'ADDRESS' }),
  metricsPort: whole(0, 65535)
    .default(DEFAULT_METRICS_PORT)
    .describe('port of /metrics alone, kept off the dashboard port an Ingress publishes'),
  allowedHosts: list('')
    .describe('host names the dashboard answers to; any when empty')
    .meta({ env: 'ALLOWED_HOSTS', placeholder: 'HOST,...' }),
  trustProxy: z
    .string()
    .default('false')
    .transform(trustProxyValue)
    .describe('proxies whose X-Forwarded-For names the client: false, a hop count, or addresses/CIDRs')
    .meta({ env: 'TRUST_PROXY', placeholder: 'false|HOPS|CIDR,...' }),
  rateLimitPerMinute: whole(0)
    .default(DEFAULT_HTTP_LIMITS.rateLimitPerMinute)
    .describe('requests a minute per client address; 0 turns the limit off'),
  maxInFlight: whole(0).default(DEFAULT_HTTP_LIMITS.maxInFlight).describe('requests answered at once, more get 503; 0 turns the bound off'),
  leaderElect: z.stringbool().default(true).describe('write only while holding the Lease; false writes without it (one replica only)'),
  leaseNamespace: name().default('default').describe('namespace of the Lease').meta({ env: 'POD_NAMESPACE', placeholder: 'NS' }),
  leaseName: name().default('greenroom-operator').describe('name of the Lease').meta({ placeholder: 'NAME' }),
  identity: name()
    .default(`${hostname()}-${process.pid}`)
    .describe("this replica's name in the Lease")
    .meta({ env: 'POD_NAME', placeholder: 'ID', defaultText: 'HOSTNAME-PID' }),
  concurrency: whole(1, 64).default(8).describe('objects a controller reconciles at once'),
  watchNamespace: name().optional().describe('watch one namespace; all when absent').meta({ env: 'WATCH_NAMESPACE', placeholder: 'NS' }),
  logLevel: z.enum(LOG_LEVELS).default('info').describe('least severe level logged').meta({ env: 'LOG_LEVEL' }),
  templateExecutor: z
    .enum(['job', 'in-process'])
    .default('job')
    .describe('where template runs execute: a Job each, or child processes of the operator')
    .meta({ env: 'TEMPLATE_EXECUTOR' }),
  scaffoldImage: name()
    .default(`ghcr.io/greenroom-dev/greenroom:${VERSION}`)
    .describe('image of scaffolding Jobs (this image)')
    .meta({ env: 'SCAFFOLD_IMAGE', placeholder: 'IMAGE' }),
  scaffoldServiceAccount: name()
    .default('greenroom-scaffolder')
    .describe("ServiceAccount of scaffolding Jobs, in the run's namespace")
    .meta({ env: 'SCAFFOLD_SERVICE_ACCOUNT', placeholder: 'NAME' }),
  scaffoldJobTtlSeconds: whole(0).default(3600).describe('how long a finished scaffolding Job is kept'),
  scaffoldJobDeadlineSeconds: whole(10).default(900).describe('how long a scaffolding Job may run'),
  dashboardUrl: z
    .url()
    .optional()
    .describe("the dashboard's external URL, for links in notifications")
    .meta({ env: 'DASHBOARD_URL', placeholder: 'URL' }),
  allowHttpGit: z
    .stringbool()
    .default(false)
    .describe('let git use http:// remotes (credentials unencrypted); https only when false')
    .meta({ env: 'ALLOW_HTTP_GIT' }),
  // Webhook destinations (issue 12): tenants write webhook URLs, the operator connects.
  webhookAllowedHosts: list(DEFAULT_WEBHOOK_ALLOWED_HOSTS.join(','))
    .describe('hosts notification webhooks may name: exact names, *.domain, or *')
    .meta({ env: 'WEBHOOK_ALLOWED_HOSTS', placeholder: 'HOST,...' }),
  webhookAllowPrivateAddresses: z
    .stringbool()
    .default(false)
    .describe('let webhooks reach loopback and private addresses (link-local never)')
    .meta({ env: 'WEBHOOK_ALLOW_PRIVATE_ADDRESSES' }),
  // Where namespaced objects may reach other namespaces; everywhere else they stay in their own.
  sharedTemplateNamespaces: namespaceList
    .describe('namespaces whose Templates runs in other namespaces may use')
    .meta({ placeholder: 'NS,...' }),
  clusterCatalogSourceNamespaces: namespaceList
    .describe('namespaces whose kubernetes CatalogSources may read workloads of other namespaces')
    .meta({ placeholder: 'NS,...' }),
  clusterScorecardNamespaces: namespaceList
    .describe('namespaces whose Scorecards and Initiatives select entities in every namespace')
    .meta({ placeholder: 'NS,...' }),
  // Catalog sources (issue 16): each check reads a repository or a directory, on its own queue.
  catalogSourceWorkers: whole(1, 16).default(2).describe('catalog sources checked at once'),
  catalogSourceMaxEntries: whole(1).default(20_000).describe('entities (files, directory entries) one catalog source may hold'),
  // Docs builds (issue 12): bounds that keep a DocSource's build inside the pod's memory.
  docsWorkers: whole(1, 16).default(2).describe('docs builds at once'),
  docsBuildMemoryMb: whole(32).default(limits.buildMemoryMb).describe('heap of each docs build process'),
  docsMaxFetchBytes: whole(1).default(limits.maxFetchBytes).describe('bytes of all files fetched from one docs source'),
  docsMaxFiles: whole(1).default(limits.maxFiles).describe('files fetched from one docs source'),
  docsMaxPages: whole(1).default(limits.maxPages).describe('Markdown pages built for one docs site'),
  docsMaxPageBytes: whole(1).default(limits.maxPageBytes).describe("bytes of one Markdown page's source"),
  docsMaxAssetBytes: whole(0).default(limits.maxAssetBytes).describe('bytes of all assets (images, PDFs…) one site uses'),
  docsMaxSiteBytes: whole(1).default(limits.maxSiteBytes).describe('bytes of one built site as stored, before compression'),
  // API definitions (issue 17): read from the API, a ConfigMap or a URL, described in a child process.
  definitionAllowedHosts: list('')
    .describe('hosts an API definition URL may name: exact names, *.domain, or *; none when empty')
    .meta({ env: 'DEFINITION_ALLOWED_HOSTS', placeholder: 'HOST,...' }),
  definitionAllowPrivateAddresses: z
    .stringbool()
    .default(false)
    .describe('let API definition URLs reach loopback and private addresses (link-local never)')
    .meta({ env: 'DEFINITION_ALLOW_PRIVATE_ADDRESSES' }),
  definitionMaxBytes: whole(1)
    .default(DEFAULT_DEFINITION_LIMITS.maxBytes)
    .describe('bytes of one API definition; bigger ones are not rendered'),
  definitionMemoryMb: whole(64).default(DEFAULT_DEFINITION_LIMITS.memoryMb).describe('heap of the process that reads one API definition'),
  definitionTimeoutSeconds: whole(1, 3600)
    .default(DEFAULT_DEFINITION_LIMITS.timeoutSeconds)
    .describe('how long reading one API definition may take'),
  definitionRefreshSeconds: whole(10).default(3600).describe('how often an API definition at a URL is fetched again'),
  ruleWorkers: whole(1, 16).default(DEFAULT_RULE_WORKERS).describe('worker threads that evaluate Scorecard rules'),
  ruleTimeoutMs: whole(10, 60_000).default(DEFAULT_RULE_TIMEOUT_MS).describe('how long one Scorecard rule may run on one entity'),
  accessCacheSeconds: whole(1, 300)
    .default(DEFAULT_ACCESS_TTL_MS / 1000)
    .describe("how long a signed-in person's SubjectAccessReview answers are reused"),
  // Sign-in (issue 13): who is asking, so reads are filtered and writes made as them.
  auth: z
    .enum(AUTH_MODES)
    .default('none')
    .describe('none (anonymous, read-only), proxy (headers of an authenticating proxy) or oidc (built-in sign-in)')
    .meta({ env: 'AUTH' }),
  authProxyTrustedAddresses: z
    .string()
    .default('loopback')
    .transform(trustedPeersValue)
    .describe('peers whose identity headers are believed: addresses, CIDRs or loopback')
    .meta({ env: 'AUTH_PROXY_TRUSTED_ADDRESSES', placeholder: 'loopback|CIDR,...' }),
  authProxyUserHeader: name()
    .default(DEFAULT_PROXY_HEADERS.userHeader)
    .describe('header naming the person')
    .meta({ placeholder: 'HEADER' }),
  authProxyGroupsHeader: name()
    .default(DEFAULT_PROXY_HEADERS.groupsHeader)
    .describe('header listing their groups, comma-separated')
    .meta({ placeholder: 'HEADER' }),
  authProxyEmailHeader: name()
    .default(DEFAULT_PROXY_HEADERS.emailHeader)
    .describe('header with their email address')
    .meta({ placeholder: 'HEADER' }),
  authProxyUsernamePrefix: z.string().default('').describe("put before the user header's name").meta({ placeholder: 'PREFIX' }),
  authProxyGroupsPrefix: z.string().default('').describe('put before each group of the groups header').meta({ placeholder: 'PREFIX' }),
  oidcIssuerUrl: z
    .url()
    .optional()
    .describe('the OpenID Connect issuer people sign in at')
    .meta({ env: 'OIDC_ISSUER_URL', placeholder: 'URL' }),
  oidcClientId: name().optional().describe("the portal's client id at the issuer").meta({ env: 'OIDC_CLIENT_ID', placeholder: 'ID' }),
  oidcClientSecretFile: name()
    .optional()
    .describe('file holding the client secret (a mounted Secret)')
    .meta({ env: 'OIDC_CLIENT_SECRET_FILE', placeholder: 'PATH' }),
  oidcCaFile: name().optional().describe('PEM CA bundle of a private-CA issuer').meta({ env: 'OIDC_CA_FILE', placeholder: 'PATH' }),
  oidcScopes: list('openid,email,profile').describe('scopes asked for at sign-in').meta({ placeholder: 'SCOPE,...' }),
  oidcUsernameClaim: name().default('sub').describe('claim naming the person').meta({ placeholder: 'CLAIM' }),
  oidcUsernamePrefix: z
    .string()
    .optional()
    .describe('as kube-apiserver: absent, ISSUER# unless the claim is email; - for none')
    .meta({ placeholder: 'PREFIX|-' }),
  oidcGroupsClaim: z.string().default('groups').describe('claim listing their groups').meta({ placeholder: 'CLAIM' }),
  oidcGroupsPrefix: z.string().default('').describe('put before each group of the claim').meta({ placeholder: 'PREFIX' }),
  sessionSecretFile: name()
    .optional()
    .describe('file of at least 32 bytes sealing session cookies and CSRF tokens')
    .meta({ env: 'SESSION_SECRET_FILE', placeholder: 'PATH' }),
  sessionMaxAgeSeconds: whole(300, 7 * 24 * 3600)
    .default(8 * 3600)
    .describe('how long a sign-in lasts'),
});

/** Operator settings: every flag of the table, and sign-in's flags that only make sense together. */
export const operatorConfigSchema = operatorFlags.superRefine((c, ctx) => {
  if (c.auth !== 'oidc') return;
  for (const key of ['oidcIssuerUrl', 'oidcClientId', 'oidcClientSecretFile', 'sessionSecretFile', 'dashboardUrl'] as const) {
    if (!c[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'is needed with --auth oidc' });
  }
});

export type OperatorConfig = z.infer<typeof operatorConfigSchema>;

/** `greenroom operator --help`: every flag of the table with its default, then how they work together. */
export const OPERATOR_USAGE = `greenroom operator [flags]

${flagUsage(operatorConfigSchema)}

Runs the controllers (only the Lease holder writes) and serves the read API, dashboard,
/healthz and /readyz from every replica on --port, and /metrics on --metrics-port.
A flag with an environment variable (env above) reads it when the flag is absent.
LOG_FORMAT (environment only) chooses the log lines: auto (the default) pretty on a terminal, JSON
otherwise; json; pretty.

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
private ones (a receiver on 127.0.0.1, an in-cluster relay), never link-local.

An API whose definition is a URL is fetched (no redirects, at most --definition-max-bytes) only
from a host of --definition-allowed-hosts (none by default), and never from a loopback, private
or link-local address unless --definition-allow-private-addresses (never link-local). Each
definition is read in a child process with a heap of --definition-memory-mb, stopped after
--definition-timeout-seconds.

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
process when absent, so give one to several replicas).`;

/** Parses flags and environment once, failing with every problem named by its flag. */
export function parseOperatorConfig(argv: string[], env: NodeJS.ProcessEnv): OperatorConfig {
  return parseFlags(operatorConfigSchema, argv, env);
}

/**
 * The settings of an operator started without flags, with `given` put over them: what the
 * demo and the tests pass, so that none of them states a default again. A key given as
 * undefined keeps its default, as an absent flag does.
 */
export function operatorConfig(given: Partial<OperatorConfig> = {}): OperatorConfig {
  const set = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined));
  return { ...parseOperatorConfig([], {}), ...set };
}
