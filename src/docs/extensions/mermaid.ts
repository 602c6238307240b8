import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { MarkdownIt } from 'markdown-it';

/*
 * Mermaid fences (superfences' `mermaid` custom fence) are drawn when the site is built, by
 * beautiful-mermaid (layout with elkjs, no DOM, no browser), into SVG files of the site shown
 * with <img>. Drawing in the reader instead would need mermaid's script and its inline
 * <style>, which the dashboard's CSP (style-src 'self') refuses; an <img> runs nothing and its
 * SVG is served under a policy of its own. beautiful-mermaid draws flowcharts, sequence,
 * class, state and ER diagrams; other kinds (pie, gantt, …) keep their source as a code block
 * and the build says so.
 */

/** Where a page's diagrams go: the fence renderer hands each drawing over and gets its URL. */
export interface DiagramSink {
  /** Stores a drawn diagram; returns the src the <img> carries (resolved by the sanitizer). */
  add(svg: string): string;
  warn(message: string): void;
  /** The page, for warnings. */
  page: string;
}

/** Bounds one diagram's source: layout time grows with the graph. */
export const MAX_DIAGRAM_BYTES = 16 * 1024;

/** The scheme of a generated file's src, before the sanitizer turns it into an asset URL. */
export const GENERATED_SCHEME = 'greenroom-generated:';

/** The generated path of a diagram: by content, so an unchanged diagram keeps its URL. */
export const diagramPath = (svg: string): string =>
  `.generated/diagrams/${createHash('sha256').update(svg).digest('hex').slice(0, 16)}.svg`;

type Renderer = typeof import('beautiful-mermaid').renderMermaidSVG;
let renderer: Renderer | undefined;

/**
 * beautiful-mermaid and elkjs are loaded by the first diagram, not with the build: they add
 * about 30 MiB to a build process, which sites without diagrams should not pay. Rendering is
 * synchronous, so the module is required, not imported; its package exports only an
 * `import` entry, so that file is found from the package's manifest and required itself.
 */
function loadRenderer(): Renderer {
  const require = createRequire(import.meta.url);
  for (const dir of require.resolve.paths('beautiful-mermaid') ?? []) {
    const root = join(dir, 'beautiful-mermaid');
    if (!existsSync(join(root, 'package.json'))) continue;
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports?: { '.'?: { import?: string } } };
    const entry = manifest.exports?.['.']?.import ?? './dist/index.js';
    return (require(join(root, entry)) as typeof import('beautiful-mermaid')).renderMermaidSVG;
  }
  throw new Error('beautiful-mermaid is not installed');
}

function renderMermaidSVG(source: string): string {
  renderer ??= loadRenderer();
  return renderer(source);
}

/** An SVG that loads nothing: the web font import is dropped (an <img> could not fetch it anyway). */
const selfContained = (svg: string): string => svg.replace(/@import url\([^)]*\);?/g, '');

function draw(source: string, sink: DiagramSink, line: number): string | undefined {
  if (Buffer.byteLength(source) > MAX_DIAGRAM_BYTES) {
    sink.warn(`${sink.page}: the Mermaid diagram at line ${line} is larger than ${MAX_DIAGRAM_BYTES} bytes; its source is shown instead`);
    return undefined;
  }
  try {
    return selfContained(renderMermaidSVG(source.trim()));
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0]?.slice(0, 200);
    sink.warn(`${sink.page}: the Mermaid diagram at line ${line} could not be drawn (${reason}); its source is shown instead`);
    return undefined;
  }
}

/** Draws ```mermaid fences, given a DiagramSink as env.diagrams; without one they stay code. */
export function mermaidFences(md: MarkdownIt): void {
  const fence = md.renderer.rules.fence!;
  md.renderer.rules.fence = (tokens, idx, options, env, self) => {
    const token = tokens[idx]!;
    const diagrams = (env as { diagrams?: DiagramSink } | undefined)?.diagrams;
    const language = token.info.trim().split(/\s+/)[0]?.toLowerCase();
    if (language !== 'mermaid' || !diagrams) return fence(tokens, idx, options, env, self);
    const svg = draw(token.content, diagrams, (token.map?.[0] ?? 0) + 1);
    if (svg === undefined) return `<pre class="mermaid-source"><code>${md.utils.escapeHtml(token.content)}</code></pre>\n`;
    const src = diagrams.add(svg);
    return `<figure class="mermaid"><img src="${md.utils.escapeHtml(src)}" alt="Diagram"></figure>\n`;
  };
}
