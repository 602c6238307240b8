import express, { type ErrorRequestHandler, type Express } from 'express';
import type { Registry } from 'prom-client';
import type { CatalogView } from '../catalog/view.ts';
import type { ScorecardStore } from '../scorecards/store.ts';
import type { DefinitionShelf } from '../api-definitions/read-definition.ts';
import type { CatalogSourceStore, TemplateStore } from '../api/objects.ts';
import { createApiRouter } from './api.ts';
import { createUiRouter } from './ui/router.ts';
import { createDocsRouter } from './ui/docs-router.ts';
import type { DocsStore } from '../docs/site.ts';
import type { SearchReader } from '../search/index.ts';
import { createSearchApiRouter } from './search-api.ts';
import { createSearchUiRouter } from './ui/search-router.ts';
import { viewsEnvironment } from './views.ts';
import { createLogger, type Logger } from '../observability/logger.ts';
import { clientRateLimit, hostAllowList, inFlightLimit, InFlightGate, type TrustProxy } from './guards.ts';
import { problemHandler, queryGuard } from './problems.ts';
import type { AccessReviews } from '../access/reviews.ts';
import type { RuntimeShelf } from '../controllers/runtime-view/controller.ts';
import { resolveVisibility } from './access/scope.ts';
import { authentication } from './auth/authentication.ts';
import { NO_AUTH, type AuthSettings } from './auth/settings.ts';
import type { SelfService } from '../self-service/cluster-writes.ts';
import { createSelfServiceRouter } from './ui/self-service-router.ts';
import { createHooksRouter, type CatalogHooks } from './hooks.ts';

/** How much of the server one client, or all of them, may take; and what they must call it. */
export interface HttpLimits {
  /** Host names the dashboard answers to (any port); empty, any. The probes answer any. */
  allowedHosts: readonly string[];
  /** Which peers' X-Forwarded-For names the client (see TrustProxy). */
  trustProxy: TrustProxy;
  /** Requests a minute per client address; 0, unlimited. */
  rateLimitPerMinute: number;
  /** Requests answered at once; 0, unbounded. */
  maxInFlight: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = { allowedHosts: [], trustProxy: false, rateLimitPerMinute: 1200, maxInFlight: 64 };

export interface AppDependencies {
  /** Ready once the informer caches have synced and the graph is complete. */
  isReady: () => boolean;
  /** The in-memory catalog the read API and dashboard answer from. */
  graph: CatalogView;
  /** Templates and their runs for the dashboard's templates pages; absent, they are empty. */
  templates?: TemplateStore;
  /** Built docs sites for the docs reader; absent, there are none. */
  docs?: DocsStore;
  /** One index over entities and doc pages; without it /search and /api/v1/search are not served. */
  search?: SearchReader;
  /** Scorecards and initiatives for the dashboard's scorecard pages; absent, they are empty. */
  scorecards?: ScorecardStore;
  /** CatalogSources for the dashboard's Sources page; absent, it is empty. */
  catalogSources?: CatalogSourceStore;
  /** API definitions as read and described, for the API tab of API entities; absent, the tab says none was read. */
  definitions?: DefinitionShelf;
  /** What runs for each entity (workloads, Pods, Warning Events), for the Runtime tab; absent, the tab shows nothing bound. */
  runtime?: RuntimeShelf;
  /**
   * Asks the apiserver what a signed-in person may see (cached SubjectAccessReviews). Without
   * it a signed-in person sees nothing; without a person (`--auth none`) it is never asked.
   */
  access?: AccessReviews;
  /** Where failed requests are logged; silent when absent. */
  logger?: Logger;
  /** Defaults: DEFAULT_HTTP_LIMITS. */
  limits?: Partial<HttpLimits>;
  /** The in-flight count the limit keeps (made from `limits.maxInFlight` when absent); tests hold places in it. */
  inFlight?: InFlightGate;
  /** The time pages decide by: the operator's decision clock (tests move it); the system clock when absent. */
  now?: (() => Date) | undefined;
  /** Who is asking (`--auth`); anonymous and read-only when absent. */
  auth?: AuthSettings;
  /** The writes a signed-in person makes, as them (impersonation); none when absent, and never under `--auth none`. */
  selfService?: SelfService;
  /** Push webhooks of CatalogSources (POST /hooks/…, signed by the git host); none when absent. */
  catalogHooks?: CatalogHooks;
}

/**
 * No inline script or style, nothing from other origins: a value from a custom resource
 * that slipped past escaping still could not run. Images may be data: URIs (none today).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: https:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The HTTP surface of one replica: health, the read API and the dashboard, all served from
 * memory. Read-only under `--auth none`; under proxy and oidc a signed-in person's forms may
 * POST (with a CSRF token). Built apart from `listen` so tests run it on port 0. Metrics are
 * another app (createMetricsApp) on another port, so an Ingress to this one never routes them.
 */
export function createApp(deps: AppDependencies): Express {
  const limits = { ...DEFAULT_HTTP_LIMITS, ...deps.limits };
  const logger = deps.logger ?? createLogger('silent');
  const auth = deps.auth ?? NO_AUTH;
  // Writes need someone to make them as (impersonation): only a signed-in person's forms POST.
  const allowed = auth.mode === 'none' ? ['GET', 'HEAD'] : ['GET', 'HEAD', 'POST'];
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', limits.trustProxy);
  app.use((_req, res, next) => {
    res.set({
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'same-origin',
      'X-Frame-Options': 'DENY',
    });
    next();
  });
  // Anything but the allowed methods is refused before it reaches a route.
  app.use((req, res, next) => {
    if (allowed.includes(req.method)) return next();
    // Git hosts' push webhooks: authorised by their signature, not a session (see hooks.ts).
    if (deps.catalogHooks && req.method === 'POST' && req.path.startsWith('/hooks/')) return next();
    const error =
      auth.mode === 'none'
        ? 'Greenroom is read-only over HTTP without sign-in (--auth none); change the catalog with kubectl or GitOps'
        : `${req.method} is not served; forms POST`;
    res.status(405).set('Allow', allowed.join(', ')).json({ error });
  });
  app.get('/healthz', (_req, res) => {
    res.type('text/plain').send('ok');
  });
  app.get('/readyz', (_req, res) => {
    const ready = deps.isReady();
    res
      .status(ready ? 200 : 503)
      .type('text/plain')
      .send(ready ? 'ok' : 'caches not synced');
  });
  // The probes come before the guards: the kubelet calls them by pod IP, often, and must
  // not be refused by the Host list or a client's busy neighbour.
  app.use(hostAllowList(limits.allowedHosts));
  const gate = deps.inFlight ?? (limits.maxInFlight > 0 ? new InFlightGate(limits.maxInFlight) : undefined);
  if (gate) app.use(inFlightLimit(gate));
  if (limits.rateLimitPerMinute > 0) app.use(clientRateLimit(limits.rateLimitPerMinute));
  app.use(queryGuard());
  // Before sign-in: a git host has no session; its push is checked by signature instead.
  if (deps.catalogHooks) app.use(createHooksRouter({ hooks: deps.catalogHooks }));
  // The probes above stay open; everything below knows who is asking (or refuses them).
  app.use(authentication({ settings: auth, logger }));
  // After the person is known, before every route that reads: what they may see, asked once.
  app.use(resolveVisibility(deps.access, deps));
  // Each router ends in its own 404, so the search routes go first.
  if (deps.search) app.use('/api/v1', createSearchApiRouter({ search: deps.search }));
  app.use('/api/v1', createApiRouter({ graph: deps.graph }));
  if (deps.search) app.use(createSearchUiRouter({ search: deps.search }));
  if (auth.mode !== 'none' && deps.selfService && deps.templates) {
    app.use(createSelfServiceRouter({ templates: deps.templates, graph: deps.graph, writes: deps.selfService }));
  }
  // The reader goes before the dashboard, whose last route answers 404.
  if (deps.docs) app.use(createDocsRouter({ docs: deps.docs }));
  app.use(
    createUiRouter({
      graph: deps.graph,
      templates: deps.templates,
      docs: deps.docs,
      scorecards: deps.scorecards,
      catalogSources: deps.catalogSources,
      definitions: deps.definitions,
      runtime: deps.runtime,
      access: deps.access,
      now: deps.now,
    }),
  );
  app.use(problemHandler({ logger, views: viewsEnvironment() }));
  return app;
}

/**
 * `/metrics` alone, for its own port: the dashboard's port is published by the Ingress, and
 * the series (namespaces, entity and owner names, leader identity) are for Prometheus only.
 */
export function createMetricsApp({ metrics, logger }: { metrics: Registry; logger?: Logger }): Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.contentType).send(await metrics.metrics());
  });
  app.use((_req, res) => void res.status(404).type('text/plain').send('only /metrics is served here'));
  const failed: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
    (logger ?? createLogger('silent')).error({ err: error }, 'metrics scrape failed');
    res.status(500).type('text/plain').send('metrics failed; see the log');
  };
  app.use(failed);
  return app;
}
