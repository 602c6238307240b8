import type { SkeletonFiles } from '../file-tree/skeleton.ts';
import type { OutputObject } from './model.ts';
import { rewriteExpressions } from './template-expressions.ts';

/** A ConfigMap holding a skeleton, as Greenroom's `skeleton.configMapRef` reads it. */
export interface SkeletonConfigMap extends OutputObject {
  data: Record<string, string>;
  binaryData?: Record<string, string>;
}

/** The Template's `spec.skeleton`, the ConfigMap to write with it (if any), and what the user should know. */
export interface PackedSkeleton {
  skeleton?: Record<string, unknown>;
  configMap?: SkeletonConfigMap;
  skipped: string[];
  warnings: string[];
}

/** What a ConfigMap key may hold (the apiserver's rule), once "/" is written as "__". */
const CONFIG_MAP_KEY = /^[-._a-zA-Z0-9]+$/;
/** The apiserver refuses a ConfigMap bigger than 1 MiB; leave room for the metadata. */
const MAX_CONFIG_MAP_BYTES = 1000 * 1024;

/**
 * Packs a local skeleton directory for a Template: a ConfigMap `<template>-skeleton` (the way
 * Greenroom's own templates ship theirs), or `inline` when a path cannot be a ConfigMap key
 * (`${{ values.name }}/index.js`) and every file is text. The catalog file the register step
 * reads is moved to Greenroom's apiVersion; filters Greenroom's renderer lacks are reported.
 */
export function packSkeleton(template: string, dir: string, files: SkeletonFiles, catalogPath: string | undefined): PackedSkeleton {
  const out: PackedSkeleton = { skipped: [], warnings: [] };
  const texts = new Map<string, string | Buffer>();
  for (const [path, content] of files) {
    if (typeof content !== 'string') {
      texts.set(path, content);
      continue;
    }
    for (const problem of rewriteExpressions(content, { steps: new Map() }).problems.filter((p) => p.startsWith('filter ')))
      out.skipped.push(`skeleton file ${dir}/${path}: ${problem}`);
    texts.set(path, path === catalogPath ? greenroomCatalogFile(`${dir}/${path}`, content, out.warnings) : content);
  }
  const keyed = [...texts.keys()].every((path) => !path.includes('__') && CONFIG_MAP_KEY.test(path.replaceAll('/', '__')));
  const size = [...texts.values()].reduce((sum, c) => sum + (typeof c === 'string' ? Buffer.byteLength(c) : (c.length * 4) / 3), 0);
  if (size > MAX_CONFIG_MAP_BYTES) {
    out.skipped.push(
      `skeleton ${dir}: ${Math.round(size / 1024)} KiB is more than a ConfigMap holds; put it in a git repository (spec.skeleton.git)`,
    );
    return out;
  }
  if (keyed) {
    const data: Record<string, string> = {};
    const binaryData: Record<string, string> = {};
    for (const [path, content] of [...texts].sort(([a], [b]) => a.localeCompare(b))) {
      if (typeof content === 'string') data[path.replaceAll('/', '__')] = content;
      else binaryData[path.replaceAll('/', '__')] = content.toString('base64');
    }
    const name = `${template.slice(0, 244)}-skeleton`;
    out.configMap = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name },
      data,
      ...(Object.keys(binaryData).length > 0 ? { binaryData } : {}),
    };
    out.skeleton = { configMapRef: { name } };
    return out;
  }
  if ([...texts.values()].some((content) => typeof content !== 'string')) {
    out.skipped.push(
      `skeleton ${dir}: a path cannot be a ConfigMap key and a file is binary, so it fits neither a ConfigMap nor inline; put it in a git repository (spec.skeleton.git)`,
    );
    return out;
  }
  out.skeleton = { inline: Object.fromEntries(texts) };
  out.warnings.push(`skeleton ${dir}: a path cannot be a ConfigMap key, so the files are inline in the Template`);
  return out;
}

/**
 * The register step creates Greenroom objects from the rendered catalog file, so a Backstage
 * skeleton's `apiVersion: backstage.io/v1alpha1` becomes Greenroom's. Fields Greenroom keeps
 * elsewhere (title, description, tags, links are spec fields) are for the author to move.
 */
function greenroomCatalogFile(file: string, text: string, warnings: string[]): string {
  const rewritten = text.replace(/^(apiVersion:\s*)backstage\.io\/v1alpha1\s*$/gm, '$1greenroom.dev/v1alpha1');
  if (rewritten === text) return text;
  warnings.push(`skeleton file ${file}: apiVersion changed to greenroom.dev/v1alpha1 (register creates Greenroom objects)`);
  const moved = ['title', 'description', 'tags', 'links'].filter((field) => new RegExp(`^ {2}${field}:`, 'm').test(metadataBlock(text)));
  if (moved.length > 0)
    warnings.push(`skeleton file ${file}: metadata.${moved.join(', metadata.')} belong under spec in Greenroom; move them by hand`);
  return rewritten;
}

/** The lines of the first top-level `metadata:` block. */
function metadataBlock(text: string): string {
  const match = /^metadata:\s*\n((?:[ \t].*\n?|\s*\n)*)/m.exec(text);
  return match?.[1] ?? '';
}
