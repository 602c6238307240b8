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
import { packSkeleton, type SkeletonConfigMap } from './skeleton.ts';
import { outputLinks } from './template-output.ts';
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

/** Who the template is in Backstage and in Kubernetes, and where the report points. */
interface Identity {
  backstageName: string;
  backstageNamespace: string;
  name: string;
  namespace: string | undefined;
  at: Omit<Problem, 'severity' | 'message'>;
}

function identify(document: SourceDocument, metadata: Record<string, unknown>, options: TemplateOptions): Identity {
  const backstageName = typeof metadata.name === 'string' ? metadata.name : '';
  const backstageNamespace = typeof metadata.namespace === 'string' ? metadata.namespace.toLowerCase() : 'default';
  return {
    backstageName,
    backstageNamespace,
    name: toKubernetesName(backstageName),
    namespace: backstageNamespace === 'default' ? options.namespace : toNamespaceName(backstageNamespace),
    at: {
      file: document.file,
      document: document.document,
      ...(document.line === undefined ? {} : { line: document.line }),
      entity: `template:${backstageNamespace}/${backstageName}`,
    },
  };
}

/** What the conversion found: reasons the template cannot be one, and what did not map in one that can. */
interface Notes {
  fatal: string[];
  skipped: string[];
  warnings: string[];
}

function ownerOf(spec: Record<string, unknown>, id: Identity, options: TemplateOptions, notes: Notes): string | undefined {
  if (spec.owner === undefined) {
    notes.fatal.push("spec.owner is missing (Greenroom's Template needs an owning Group or User)");
    return undefined;
  }
  const owner = rewriteRef(spec.owner, OWNER, { namespace: id.backstageNamespace, defaultNamespace: options.namespace });
  if ('error' in owner) notes.fatal.push(owner.error);
  else if (owner.warning) notes.warnings.push(owner.warning);
  return 'ref' in owner ? owner.ref : undefined;
}

/** Constant fetch:template values become parameters with that default, so the skeleton still sees them. */
function addDefaults(schema: Record<string, unknown>, defaults: Record<string, unknown>): void {
  const properties = schema.properties as Record<string, unknown>;
  for (const [key, fallback] of Object.entries(defaults)) {
    const type = typeof fallback === 'number' ? (Number.isInteger(fallback) ? 'integer' : 'number') : typeof fallback;
    if (!(key in properties))
      properties[key] = { ...(['integer', 'number', 'string', 'boolean'].includes(type) ? { type } : {}), default: fallback };
  }
}

/** Reports the spec and metadata fields no Template field takes. */
function reportUnmapped(spec: Record<string, unknown>, metadata: Record<string, unknown>, notes: Notes): void {
  for (const key of Object.keys(spec).filter((k) => !SPEC_FIELDS.has(k)))
    notes.skipped.push(`spec.${key}: no such field in a Greenroom Template`);
  for (const key of Object.keys(metadata).filter((k) => !['name', 'namespace', 'title', 'description', 'tags'].includes(k)))
    notes.warnings.push(`metadata.${key} is not carried over (a Template keeps title, description and tags)`);
}

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
  const id = identify(document, metadata, options);
  const notes: Notes = { fatal: [], skipped: [], warnings: [] };
  if (!id.name) notes.fatal.push('metadata.name is missing or has no characters left for a Kubernetes name');
  const owner = ownerOf(spec, id, options, notes);
  const parameters = mergeParameters(spec.parameters);
  const steps = convertSteps(spec.steps);
  notes.skipped.push(...parameters.skipped, ...steps.skipped);
  notes.warnings.push(...parameters.warnings, ...steps.warnings);
  addDefaults(parameters.schema, steps.defaults);
  if (!steps.skeleton) notes.fatal.push('no fetch:template step with a usable url: a Greenroom Template needs a skeleton');
  const packed = steps.skeleton ? skeletonOf(steps.skeleton, document.file, id.name, options, steps.catalogPath) : undefined;
  if (packed && !packed.skeleton) notes.fatal.push(...packed.skipped);
  else if (packed) {
    notes.skipped.push(...packed.skipped);
    notes.warnings.push(...packed.warnings);
  }
  reportUnmapped(spec, metadata, notes);
  const links = outputLinks(spec.output, steps.context, notes.skipped);
  const greenroomSpec = {
    ...(typeof metadata.title === 'string' ? { title: metadata.title } : {}),
    ...(typeof metadata.description === 'string' ? { description: metadata.description } : {}),
    type: spec.type,
    owner,
    ...(Array.isArray(metadata.tags) ? { tags: metadata.tags } : {}),
    parameters: parameters.schema,
    skeleton: packed?.skeleton,
    steps: steps.steps,
    ...(links.length > 0 ? { output: { links } } : {}),
  };
  const parsed = notes.fatal.length > 0 ? undefined : templateSpec.safeParse(greenroomSpec);
  if (parsed && !parsed.success) notes.fatal.push(...parsed.error.issues.map((i) => `spec.${i.path.join('.')}: ${i.message}`));
  if (notes.fatal.length > 0)
    return { objects: [], problems: [{ severity: 'skipped', ...id.at, message: `not converted: ${notes.fatal.join('; ')}` }] };
  return { objects: written(document, id, greenroomSpec, packed?.configMap), problems: problemsOf(id, notes) };
}

/** The Template, and its skeleton's ConfigMap beside it in the same namespace. */
function written(document: SourceDocument, id: Identity, spec: Record<string, unknown>, configMap?: SkeletonConfigMap): ConvertedObject[] {
  const ns = id.namespace ? { namespace: id.namespace } : {};
  const template: TemplateObject = {
    apiVersion: API_VERSION,
    kind: 'Template',
    metadata: { name: id.name, ...ns, annotations: { [BACKSTAGE_NAME_ANNOTATION]: id.backstageName } },
    spec,
  };
  const source = { file: document.file, document: document.document, ...(document.line === undefined ? {} : { line: document.line }) };
  const objects: ConvertedObject[] = [{ object: template, source }];
  if (configMap) objects.push({ object: { ...configMap, metadata: { ...configMap.metadata, ...ns } }, source });
  return objects;
}

function problemsOf(id: Identity, notes: Notes): Problem[] {
  return [
    ...notes.skipped.map((message): Problem => ({ severity: 'skipped', ...id.at, message })),
    ...notes.warnings.map((message): Problem => ({ severity: 'warning', ...id.at, message })),
  ];
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
