import { API_VERSION, CATALOG_KINDS, catalogKind, type CatalogKind } from '../api/v1alpha1/index.ts';
import { descriptiveFields } from '../api/v1alpha1/common.ts';
import type { z } from 'zod';
import { splitEntityRef } from './entity-refs.ts';
import { convertMetadata } from './metadata.ts';
import {
  BACKSTAGE_NAME_ANNOTATION,
  BACKSTAGE_NAMESPACE_ANNOTATION,
  BACKSTAGE_UNMAPPED_ANNOTATION,
  isRecord,
  type ConvertOptions,
  type GreenroomObject,
} from './model.ts';
import { toKubernetesName, toNamespaceName } from './names.ts';
import { convertSpec } from './spec.ts';

/** The outcome for one Backstage entity: a Greenroom object (with what changed on the way), or why not. */
export type EntityConversion = { object: GreenroomObject; warnings: string[] } | { skipped: string };

/** Top-level fields the Backstage server writes (relations are derived again by the operator). */
const SERVER_FIELDS = new Set(['apiVersion', 'kind', 'metadata', 'spec', 'relations', 'status']);

/** `kind:namespace/name` as Backstage spells the entity, for the report; undefined when it has no name. */
export function backstageRef(value: unknown): string | undefined {
  if (!isRecord(value) || !isRecord(value.metadata) || typeof value.metadata.name !== 'string') return undefined;
  const namespace = typeof value.metadata.namespace === 'string' ? value.metadata.namespace : 'default';
  return `${String(value.kind ?? '').toLowerCase()}:${namespace}/${value.metadata.name}`;
}

/** Who an entity is in Backstage and in Kubernetes. */
interface Identity {
  kind: CatalogKind;
  metadata: Record<string, unknown>;
  backstageName: string;
  backstageNamespace: string;
  name: string;
  namespace: string | undefined;
}

function identify(value: unknown, options: ConvertOptions): Identity | { skipped: string } {
  if (!isRecord(value)) return { skipped: 'not a YAML mapping' };
  const { apiVersion, kind, metadata } = value;
  if (typeof apiVersion !== 'string' || !apiVersion.startsWith('backstage.io/')) {
    return { skipped: `apiVersion ${JSON.stringify(apiVersion)} is not a Backstage one (backstage.io/v1alpha1)` };
  }
  const catalog = typeof kind === 'string' ? catalogKind(kind) : undefined;
  if (!catalog) {
    return { skipped: `kind ${JSON.stringify(kind)} has no Greenroom counterpart (${CATALOG_KINDS.map((k) => k.kind).join(', ')})` };
  }
  if (!isRecord(metadata) || typeof metadata.name !== 'string') return { skipped: 'metadata.name is missing' };
  const name = toKubernetesName(metadata.name);
  const backstageNamespace = typeof metadata.namespace === 'string' ? metadata.namespace : 'default';
  const namespace = backstageNamespace.toLowerCase() === 'default' ? options.namespace : toNamespaceName(backstageNamespace);
  if (!name || namespace === '') return { skipped: 'metadata.name or metadata.namespace has no characters left for a Kubernetes name' };
  return { kind: catalog, metadata, backstageName: metadata.name, backstageNamespace, name, namespace };
}

/** Converts one Backstage entity into a Greenroom object validated against its kind's spec schema. */
export function convertEntity(value: unknown, options: ConvertOptions): EntityConversion {
  const id = identify(value, options);
  if ('skipped' in id) return id;
  const entity = value as Record<string, unknown>;
  const meta = convertMetadata(id.metadata);
  const spec = convertSpec(id.kind, isRecord(entity.spec) ? entity.spec : {}, {
    namespace: id.backstageNamespace.toLowerCase(),
    defaultNamespace: options.namespace,
  });
  const parsed = id.kind.spec.safeParse({ ...spec.fields, ...meta.descriptive });
  // A field already refused above is also missing for zod; say it once.
  const issues = parsed.success ? [] : parsed.error.issues.filter((issue) => !spec.errors.has(String(issue.path[0])));
  const errors = [
    ...spec.errors.values(),
    ...issues.map(describeIssue),
    ...(parsed.success ? selfReferences(id.kind, parsed.data, id.name) : []),
  ];
  if (!parsed.success || errors.length > 0) return { skipped: errors.join('; ') };

  const unmapped = { ...extraTopLevel(entity), ...meta.unmapped, ...spec.unmapped };
  const warnings = [...meta.warnings, ...spec.warnings];
  if (Object.keys(unmapped).length > 0)
    warnings.push(`kept in annotation ${BACKSTAGE_UNMAPPED_ANNOTATION}: ${Object.keys(unmapped).join(', ')}`);
  const object: GreenroomObject = {
    apiVersion: API_VERSION,
    kind: id.kind.kind,
    metadata: {
      name: id.name,
      ...(id.namespace === undefined ? {} : { namespace: id.namespace }),
      ...(Object.keys(meta.labels).length > 0 ? { labels: meta.labels } : {}),
      annotations: { ...meta.annotations, ...identityAnnotations(id, unmapped) },
    },
    spec: parsed.data as Record<string, unknown>,
  };
  return { object, warnings };
}

/** The Backstage name always; the namespace when it was mapped to another; and whatever found no place. */
function identityAnnotations(id: Identity, unmapped: Record<string, unknown>): Record<string, string> {
  const annotations: Record<string, string> = { [BACKSTAGE_NAME_ANNOTATION]: id.backstageName };
  if (id.namespace !== undefined && id.namespace !== id.backstageNamespace)
    annotations[BACKSTAGE_NAMESPACE_ANNOTATION] = id.backstageNamespace;
  if (Object.keys(unmapped).length > 0) annotations[BACKSTAGE_UNMAPPED_ANNOTATION] = JSON.stringify(unmapped);
  return annotations;
}

function extraTopLevel(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([key]) => !SERVER_FIELDS.has(key)));
}

/** The CRD refuses a Group that is its own parent (and a Domain its own subdomain); say so before kubectl does. */
function selfReferences(kind: CatalogKind, spec: Record<string, unknown>, name: string): string[] {
  return kind.references
    .filter((field) => !field.many && field.defaultKind === kind.kind)
    .filter((field) => {
      const ref = typeof spec[field.field] === 'string' ? splitEntityRef(spec[field.field] as string) : undefined;
      return ref && ref.namespace === undefined && (ref.kind ?? kind.kind).toLowerCase() === kind.kind.toLowerCase() && ref.name === name;
    })
    .map((field) => `spec.${field.field} names the ${kind.kind} itself`);
}

/** Says where the field was in the Backstage entity: title, description, tags and links came from metadata. */
function describeIssue(issue: z.core.$ZodIssue): string {
  const [first, ...rest] = issue.path.map(String);
  const root = first !== undefined && Object.hasOwn(descriptiveFields, first) ? 'metadata' : 'spec';
  const path = [root, first, ...rest].filter((part) => part !== undefined).join('.');
  return issue.code === 'invalid_type' && issue.message.endsWith('received undefined')
    ? `${path} is missing (required)`
    : `${path}: ${issue.message}`;
}
