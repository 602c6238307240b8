import nunjucks from 'nunjucks';
import { safeRelativePath } from '../file-tree/paths.ts';

/** A template file that could not be rendered, with where and why. */
export class RenderError extends Error {
  readonly file: string;
  readonly line: number | undefined;

  constructor(file: string, line: number | undefined, reason: string) {
    super(`${file}${line ? `:${line}` : ''}: ${reason}`);
    this.name = 'RenderError';
    this.file = file;
    this.line = line;
  }
}

/** What templates see beside `values`: the run (`run.name`, `run.namespace`) and earlier steps' outputs. */
export type RenderContext = Record<string, unknown>;

/**
 * nunjucks with Backstage's variable syntax, `${{ values.name }}`, so Backstage users'
 * skeletons render unchanged. Files are text, not HTML: no autoescape. Values are data —
 * the output of an expression is never rendered again.
 */
function environment(): nunjucks.Environment {
  return new nunjucks.Environment(null, {
    autoescape: false,
    throwOnUndefined: false,
    tags: { variableStart: '${{', variableEnd: '}}' },
  });
}

function renderError(file: string, text: string, error: unknown): RenderError {
  const message = (error as Error).message;
  // nunjucks gives no line for what it finds missing at the end of the text (an open block,
  // an unclosed ${{): that is the last line.
  const line = /\[Line (\d+), Column \d+\]/.exec(message)?.[1] ?? String(text.replace(/\n$/, '').split('\n').length);
  const reason = message
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('(unknown path)') && l !== `(${file})`)
    .join(' ')
    .replace(/\[Line \d+, Column \d+\]\s*/, '');
  return new RenderError(file, line ? Number(line) : undefined, reason);
}

function renderOne(env: nunjucks.Environment, file: string, text: string, context: object): string {
  try {
    return env.renderString(text, context);
  } catch (error) {
    throw renderError(file, text, error);
  }
}

/**
 * Checks that texts parse as templates without rendering them, so a Template's author
 * hears about a syntax error when the Template is applied rather than at the first run.
 * Returns every error found.
 */
export function syntaxErrors(texts: ReadonlyMap<string, string | Buffer>): RenderError[] {
  const env = environment();
  const errors: RenderError[] = [];
  for (const [file, text] of texts) {
    for (const source of typeof text === 'string' ? [file, text] : [file]) {
      try {
        new nunjucks.Template(source, env, undefined, true);
      } catch (error) {
        errors.push(renderError(file, source, error));
        break;
      }
    }
  }
  return errors;
}

/**
 * Renders a skeleton: every file name and every text file's contents, with `values` in scope.
 * Rendered paths must stay inside the output directory; two files rendering to one path
 * is an error rather than a silent overwrite.
 */
export function renderTree(
  files: ReadonlyMap<string, string | Buffer>,
  values: Record<string, unknown>,
  extra: RenderContext = {},
): Map<string, string | Buffer> {
  const env = environment();
  const context = { ...extra, values, parameters: values };
  const out = new Map<string, string | Buffer>();
  for (const [name, text] of files) {
    const rendered = safeRelativePath(renderOne(env, name, name, context));
    if ('error' in rendered) throw new RenderError(name, undefined, rendered.error);
    if (out.has(rendered.path))
      throw new RenderError(name, undefined, `renders to ${rendered.path}, which another file already renders to`);
    // Bytes (images, archives) are copied; only text is a template.
    out.set(rendered.path, typeof text === 'string' ? renderOne(env, name, text, context) : text);
  }
  return out;
}

/** Renders one templated string (a URL, a commit message, an output link). */
export function renderText(what: string, text: string, values: Record<string, unknown>, extra: RenderContext = {}): string {
  return renderOne(environment(), what, text, { ...extra, values, parameters: values });
}
