import nunjucks from 'nunjucks';

/** How a Backstage step's id and outputs read in the converted Template. */
export interface StepRename {
  /** The Greenroom step name. */
  name: string;
  /** Backstage output name → the Greenroom output expression after `.output.` (`entityRef` → `entityRefs[0]`). */
  outputs: Record<string, string>;
}

/** Everything expressions are rewritten with: the steps kept, by their Backstage id. */
export interface ExpressionContext {
  steps: ReadonlyMap<string, StepRename>;
}

/** An expression rewritten, and what in it has no Greenroom equivalent. */
export interface Rewritten {
  text: string;
  problems: string[];
}

/**
 * The filters Greenroom's renderer has: nunjucks' own (Greenroom adds none). Backstage adds
 * parseRepoUrl, parseEntityRef, pick and projectSlug; a template using them needs rewriting.
 */
const renderer = new nunjucks.Environment();
function hasFilter(name: string): boolean {
  try {
    renderer.getFilter(name);
    return true;
  } catch {
    return false;
  }
}

/** `${{ … }}` and `{% … %}` — the parts of a text nunjucks evaluates. */
const CODE = /\$\{\{([\s\S]*?)\}\}|\{%([\s\S]*?)%\}/g;
const PARAMETERS = /\bparameters(?=\s*[.[])/g;
const STEP_OUTPUT = /\bsteps(?:\.([A-Za-z_$][\w$-]*)|\[\s*(['"])(.*?)\2\s*\])\.output\.([A-Za-z_$][\w$]*)/g;
const FILTER = /(?<!\|)\|(?!\|)\s*([A-Za-z_][\w]*)/g;

/**
 * Rewrites the expressions of one Backstage text into Greenroom's: `parameters.x` becomes
 * `values.x`, a kept step's output is renamed, and what cannot be kept is named — a removed
 * step's output, `user.*`, a filter Greenroom's renderer lacks. Text outside expressions is
 * left exactly as written.
 */
export function rewriteExpressions(text: string, context: ExpressionContext): Rewritten {
  const problems: string[] = [];
  const out = text.replace(CODE, (whole: string) => {
    let code = whole.replace(PARAMETERS, 'values');
    code = code.replace(STEP_OUTPUT, (match: string, dotted: string | undefined, _q: string, quoted: string | undefined, key: string) => {
      const id = dotted ?? quoted ?? '';
      const step = context.steps.get(id);
      const output = step?.outputs[key];
      if (!step || output === undefined) {
        problems.push(
          step
            ? `${match}: Greenroom's ${step.name} step has no output ${key}`
            : `${match}: step ${id} was not converted, so its output is not there`,
        );
        return match;
      }
      return `steps['${step.name}'].output.${output}`;
    });
    if (/\buser\.(entity|ref)\b/.test(code)) problems.push(`${whole.trim()}: user.* (who runs the template) has no Greenroom equivalent`);
    for (const [, filter] of code.matchAll(FILTER))
      if (!hasFilter(filter!)) problems.push(`filter ${filter} is not one of Greenroom's renderer (nunjucks' built-in filters)`);
    return code;
  });
  return { text: out, problems: [...new Set(problems)] };
}

/** Rewrites every string inside a value (a step's input, a link), collecting the problems. */
export function rewriteValue(value: unknown, context: ExpressionContext, problems: string[]): unknown {
  if (typeof value === 'string') {
    const rewritten = rewriteExpressions(value, context);
    problems.push(...rewritten.problems);
    return rewritten.text;
  }
  if (Array.isArray(value)) return value.map((item) => rewriteValue(item, context, problems));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewriteValue(v, context, problems)]));
  return value;
}
