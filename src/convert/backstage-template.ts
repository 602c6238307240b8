import { dirname, join } from 'node:path';
import { API_VERSION, type ReferenceField } from '../api/v1alpha1/index.ts';
import { templateSpec } from '../api/v1alpha1/template.ts';
import type { SkeletonFiles } from '../file-tree/skeleton.ts';
import { rewriteRef } from './entity-refs.ts';
import {
  BACKSTAGE_NAME_ANNOTATION,
  isRecord,
  type ConvertedObject,
  type OutputObject,
  type Problem,
  type SourceDocument,
} from './model.ts';
import { toKubernetesName, toNamespaceName } from './names.ts';
import { packSkeleton } from './skeleton.ts';
import { rewriteValue, type ExpressionContext } from './template-expressions.ts';
import { mergeParameters } from './template-parameters.ts';
import { convertSteps, type SkeletonTarget } from './template-steps.ts';

/**
 * What a Template's local skeleton directory gave when read: its files, or why not. Tagged,
 * not an Error: Node's errors come from another realm under a test runner's VM.
 */
export type SkeletonRead = { files: SkeletonFiles } | { error: string };

export interface TemplateOptions {
  namespace?: string | undefined;
  /** Local skeleton directories read by the caller, by the path skeletonDirectory gave. */
  skeletons: ReadonlyMap<string, SkeletonRead>;
}

/** The Template (and its skeleton's ConfigMap), or nothing, and the problems, for one Backstage template. */
export interface TemplateConversion {
  objects: ConvertedObject[];
  problems: Problem[];
}

interface TemplateObject extends OutputObject {
  spec: Record<string, unknown>;
}

/** Whether a document is a Backstage software template (scaffolder.backstage.io/v1beta3). */
export function isBackstageTemplate(value: unknown): boolean {
  return isRecord(value) && value.apiVersion === 'scaffolder.backstage.io/v1beta3' && value.kind === 'Template';
}

/** The local directory the template's fetch:template step names, resolved from the template's file; undefined for none or a URL. */
export function skeletonDirectory(document: SourceDocument): string | undefined {
  const spec = isRecord(document.value) && isRecord(document.value.spec) ? document.value.spec : {};
  const render = (Array.isArray(spec.steps) ? spec.steps : []).find((s) => isRecord(s) && s.action === 'fetch:template');
  const url = isRecord(render) && isRecord(render.input) ? render.input.url : undefined;
  if (typeof url !== 'string' || url === '' || /^[a-z][a-z0-9+.-]*:/i.test(url)) return undefined;
  return join(dirname(document.file), url);
}

/** Spec fields of a Backstage template that are converted; any other is reported. */
const SPEC_FIELDS = new Set(['owner', 'type', 'parameters', 'steps', 'output']);
const OWNER: ReferenceField = {
  field: 'owner',
  many: false,
  defaultKind: 'Group',
  allowedKinds: ['Group', 'User'],
  relation: 'ownedBy',
  description: '',
};

/**
 * Converts one Backstage software template into a Greenroom Template: metadata (title,
 * description, tags), owner and type carried over, parameter pages merged, steps mapped,
 * expressions rewritten, a local skeleton packed into a ConfigMap. A template that cannot
 * become a valid Template is one skipped problem with every reason; otherwise each step,
 * field or filter that did not map is its own problem.
 */
export function convertTemplate(document: SourceDocument, options: TemplateOptions): TemplateConversion {
  const value = document.value as Record<string, unknown>;
  const metadata = isRecord(value.metadata) ? value.metadata : {};
  const spec = isRecord(value.spec) ? value.spec : {};
  const backstageName = typeof metadata.name === 'string' ? metadata.name : '';
  const backstageNamespace = typeof metadata.namespace === 'string' ? metadata.namespace.toLowerCase() : 'default';
  const at = {
    file: document.file,
    document: document.document,
    ...(document.line === undefined ? {} : { line: document.line }),
    entity: `template:${backstageNamespace}/${backstageName}`,
  };
  const name = toKubernetesName(backstageName);
  const namespace = backstageNamespace === 'default' ? options.namespace : toNamespaceName(backstageNamespace);
  const fatal: string[] = [];
  const skipped: string[] = [];
  const warnings: string[] = [];
  if (!name) fatal.push('metadata.name is missing or has no characters left for a Kubernetes name');

  const owner =
    spec.owner === undefined
      ? undefined
      : rewriteRef(spec.owner, OWNER, { namespace: backstageNamespace, defaultNamespace: options.namespace });
  if (owner === undefined) fatal.push("spec.owner is missing (Greenroom's Template needs an owning Group or User)");
  else if ('error' in owner) fatal.push(owner.error);
  else if (owner.warning) warnings.push(owner.warning);

  const parameters = mergeParameters(spec.parameters);
  const steps = convertSteps(spec.steps);
  skipped.push(...parameters.skipped, ...steps.skipped);
  warnings.push(...parameters.warnings, ...steps.warnings);
  for (const [key, fallback] of Object.entries(steps.defaults)) {
    const properties = parameters.schema.properties as Record<string, unknown>;
    const type = typeof fallback === 'number' ? (Number.isInteger(fallback) ? 'integer' : 'number') : typeof fallback;
    if (!(key in properties))
      properties[key] = { ...(['integer', 'number', 'string', 'boolean'].includes(type) ? { type } : {}), default: fallback };
  }
  if (!steps.skeleton) fatal.push('no fetch:template step with a usable url: a Greenroom Template needs a skeleton');
  const packed = steps.skeleton ? skeletonOf(steps.skeleton, document.file, name, options, steps.catalogPath) : undefined;
  if (packed && !packed.skeleton) fatal.push(...packed.skipped);
  else if (packed) {
    skipped.push(...packed.skipped);
    warnings.push(...packed.warnings);
  }
  for (const key of Object.keys(spec).filter((k) => !SPEC_FIELDS.has(k)))
    skipped.push(`spec.${key}: no such field in a Greenroom Template`);
  const output = outputLinks(spec.output, steps.context, skipped);
  for (const key of Object.keys(metadata).filter((k) => !['name', 'namespace', 'title', 'description', 'tags'].includes(k)))
    warnings.push(`metadata.${key} is not carried over (a Template keeps title, description and tags)`);

  const greenroomSpec = {
    ...(typeof metadata.title === 'string' ? { title: metadata.title } : {}),
    ...(typeof metadata.description === 'string' ? { description: metadata.description } : {}),
    type: spec.type,
    owner: owner && 'ref' in owner ? owner.ref : undefined,
    ...(Array.isArray(metadata.tags) ? { tags: metadata.tags } : {}),
    parameters: parameters.schema,
    skeleton: packed?.skeleton,
    steps: steps.steps,
    ...(output.length > 0 ? { output: { links: output } } : {}),
  };
  const parsed = fatal.length > 0 ? undefined : templateSpec.safeParse(greenroomSpec);
  if (parsed && !parsed.success) fatal.push(...parsed.error.issues.map((i) => `spec.${i.path.join('.')}: ${i.message}`));
  if (fatal.length > 0) return { objects: [], problems: [{ severity: 'skipped', ...at, message: `not converted: ${fatal.join('; ')}` }] };

  const ns = namespace ? { namespace } : {};
  const template: TemplateObject = {
    apiVersion: API_VERSION,
    kind: 'Template',
    metadata: { name, ...ns, annotations: { [BACKSTAGE_NAME_ANNOTATION]: backstageName } },
    spec: greenroomSpec,
  };
  const source = { file: document.file, document: document.document, ...(document.line === undefined ? {} : { line: document.line }) };
  const objects: ConvertedObject[] = [{ object: template, source }];
  if (packed?.configMap) objects.push({ object: { ...packed.configMap, metadata: { ...packed.configMap.metadata, ...ns } }, source });
  const problems: Problem[] = [
    ...skipped.map((message): Problem => ({ severity: 'skipped', ...at, message })),
    ...warnings.map((message): Problem => ({ severity: 'warning', ...at, message })),
  ];
  return { objects, problems };
}

function skeletonOf(target: SkeletonTarget, file: string, name: string, options: TemplateOptions, catalogPath: string | undefined) {
  if ('git' in target)
    return {
      skeleton: { git: target.git },
      skipped: [],
      warnings: [`the skeleton is read from ${target.git.url}: its catalog file must hold greenroom.dev/v1alpha1 objects for register`],
    };
  const dir = join(dirname(file), target.local);
  const read = options.skeletons.get(dir) ?? { error: 'not read' };
  if ('error' in read) return { skipped: [`skeleton ${dir} could not be read: ${read.error}`], warnings: [] };
  return packSkeleton(name, dir, read.files, catalogPath);
}

/** `spec.output.links`: url and title kept; an entityRef link becomes the entity's catalog page. */
function outputLinks(output: unknown, context: ExpressionContext, skipped: string[]): { title: string; url: string }[] {
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
