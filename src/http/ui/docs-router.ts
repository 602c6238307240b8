import { viewsEnvironment } from '../views.ts';
import { Router, type Response } from 'express';
import { siteBase, type DocsStore, type PageRedirect } from '../../docs/site.ts';
import { pageHref } from '../../docs/links.ts';
import { isNavUrl } from '../../docs/store.ts';
import { isAllowedAssetType } from '../../docs/asset-types.ts';
import { docsPage } from './docs-pages.ts';
import { visibleDocs } from '../access/visible-stores.ts';
import { visibilityOf } from '../access/scope.ts';
import { viewerOf } from '../auth/viewer.ts';

/**
 * An SVG opened on its own is a document of the dashboard's origin and may carry script:
 * served under this policy, nothing in it runs or loads. Its own inline styles still apply.
 */
export const SVG_CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'";

/** Assets change only with a new build; a few minutes of caching spares the ConfigMap-backed store. */
const ASSET_CACHE_CONTROL = 'public, max-age=300';

export interface DocsDependencies {
  docs: DocsStore;
}

/** A page of the site a redirect leads to, or undefined for none (an external one is shown, not followed). */
function redirectHref(to: PageRedirect, base: string): string | undefined {
  if (to.slug === undefined || to.url !== undefined) return undefined;
  return pageHref(base, to.slug) + (to.fragment ? `#${encodeURIComponent(to.fragment)}` : '');
}

/** Express 5 gives a wildcard as its decoded segments; empty ones come from a trailing slash. */
const joinSegments = (value: unknown): string =>
  Array.isArray(value) ? value.filter((s) => typeof s === 'string' && s !== '').join('/') : '';

/**
 * The docs reader: built sites served from memory, read-only. Mounted before the dashboard's
 * catch-all 404 so /docs/... reaches it.
 */
export function createDocsRouter({ docs: all }: DocsDependencies): Router {
  // autoescape: only a page's sanitised HTML is marked safe in docs.njk; everything else is escaped.
  const env = viewsEnvironment();
  const router = Router();
  const notFound = (res: Response, missing: string, q?: string): void => {
    res
      .status(404)
      .type('html')
      .send(env.render('not-found.njk', { viewer: viewerOf(res), page: 'docs', missing, q }));
  };

  router.get('/docs/:namespace/:name/_assets/*path', (req, res) => {
    const { namespace, name } = req.params;
    const path = joinSegments(req.params.path);
    // A site the person may not see answers as a missing one does, assets included.
    const assets = visibleDocs(all, visibilityOf(res)).site(namespace, name)?.assets;
    // Own keys only: a path like `constructor` must not find Object.prototype's.
    const asset = assets && Object.hasOwn(assets, path) ? assets[path] : undefined;
    // Never a type a browser runs as script or a document of this origin, whatever the site holds: the CSP allows scripts from 'self'.
    if (!asset || !isAllowedAssetType(asset.contentType)) {
      res.status(404).type('text/plain').send(`no file ${path} in the docs ${namespace}/${name}`);
      return;
    }
    res.set({ 'Content-Type': asset.contentType, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': ASSET_CACHE_CONTROL });
    if (asset.contentType.startsWith('image/svg+xml')) res.set('Content-Security-Policy', SVG_CONTENT_SECURITY_POLICY);
    res.send(Buffer.from(asset.base64, 'base64'));
  });

  router.get('/docs/:namespace/:name{/*slug}', (req, res) => {
    const { namespace, name } = req.params;
    const slug = joinSegments(req.params.slug);
    const site = visibleDocs(all, visibilityOf(res)).site(namespace, name);
    if (!site) return notFound(res, `docs ${namespace}/${name}`, name);
    const model = docsPage(site, namespace, name, slug);
    if (!model) {
      // The redirects plugin: a moved page's old URL still leads somewhere. Within the site it
      // is a redirect; to another site it is a page naming the address, so the dashboard's
      // origin never sends a reader away on a tenant's word (no open redirect).
      const redirect = Object.hasOwn(site.redirects ?? {}, slug) ? site.redirects![slug]! : undefined;
      const base = siteBase(namespace, name);
      const moved = redirect && redirectHref(redirect, base);
      if (moved) return res.redirect(301, moved);
      if (redirect?.url !== undefined && isNavUrl(redirect.url))
        return res
          .type('html')
          .send(
            env.render('docs-moved.njk', { viewer: viewerOf(res), page: 'docs', siteName: site.siteName, url: redirect.url, home: base }),
          );
      return notFound(res, `page ${slug} of ${site.siteName}`, slug.split('/').pop());
    }
    res.type('html').send(env.render('docs.njk', { viewer: viewerOf(res), page: 'docs', ...model }));
  });

  return router;
}
