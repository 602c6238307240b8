import { join } from 'node:path';
import nunjucks from 'nunjucks';
import { projectRoot } from '../shared/paths.ts';

/**
 * The dashboard's views (src/http/views, beside this file; read from the project root, so
 * dist/ and the image find them too), one environment per router: the pages, the error pages
 * and the signed-out page, which is why this sits in src/http and not in src/http/ui. autoescape: every value from a custom resource is escaped
 * unless a view marks it safe — only already-sanitised docs HTML and search excerpts are.
 */
export function viewsEnvironment(): nunjucks.Environment {
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(join(projectRoot(), 'src', 'http', 'views')), {
    autoescape: true,
    throwOnUndefined: false,
  });
  env.addFilter('ago', (iso: string) => {
    const ms = Date.now() - Date.parse(iso);
    if (!Number.isFinite(ms)) return '';
    const minutes = Math.round(ms / 60_000);
    if (minutes < 1) return 'just now';
    if (minutes < 60) return `${minutes} min ago`;
    const hours = Math.round(minutes / 60);
    return hours < 48 ? `${hours} h ago` : `${Math.round(hours / 24)} days ago`;
  });
  return env;
}
