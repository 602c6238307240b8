import { isRecord } from './model.ts';
import { rewriteValue, type ExpressionContext } from './template-expressions.ts';

/**
 * `spec.output.links`: url and title kept; an entityRef link becomes the entity's catalog
 * page (`component:ns/name` → `/catalog/component/ns/name`). Whatever else is reported.
 */
export function outputLinks(output: unknown, context: ExpressionContext, skipped: string[]): { title: string; url: string }[] {
  if (!isRecord(output)) return [];
  for (const key of Object.keys(output).filter((k) => k !== 'links'))
    skipped.push(`spec.output.${key}: a Greenroom Template's output has links only`);
  const problems: string[] = [];
  const links: { title: string; url: string }[] = [];
  for (const link of Array.isArray(output.links) ? output.links.filter(isRecord) : []) {
    const rewritten = rewriteValue(link, context, problems) as Record<string, unknown>;
    const title = typeof rewritten.title === 'string' ? rewritten.title : 'Link';
    const ref = typeof rewritten.entityRef === 'string' ? /^\s*\$\{\{([\s\S]*)\}\}\s*$/.exec(rewritten.entityRef) : undefined;
    if (typeof rewritten.url === 'string') links.push({ title, url: rewritten.url });
    else if (ref) links.push({ title, url: `/catalog/\${{ (${ref[1]!.trim()}) | replace(":", "/") }}` });
    else skipped.push(`spec.output.links "${title}": neither a url nor an entityRef expression`);
  }
  skipped.push(...problems.map((p) => `spec.output: ${p}`));
  return links;
}
