import { z } from 'zod';
import type { CatalogKind } from './v1alpha1/catalog-kind.ts';
import { entityStatus } from './v1alpha1/common.ts';
import { GROUP, VERSION } from './v1alpha1/group-version.ts';

type JsonSchema = Record<string, unknown>;

/**
 * zod's OpenAPI output needs three changes before kube-apiserver takes it as a structural
 * schema: no `$schema`, no `additionalProperties: false` next to `properties` (the
 * apiserver prunes unknown fields anyway and kubectl's strict validation reports them),
 * and no ±2^53 bounds zod adds to every integer.
 */
export function toStructural(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toStructural);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: JsonSchema = {};
  // Free-form data (template parameters, run values): the apiserver keeps it as given, and
  // wants no schema for its contents beside the marker.
  const freeForm = (schema as JsonSchema)['x-kubernetes-preserve-unknown-fields'] === true;
  for (const [key, value] of Object.entries(schema as JsonSchema)) {
    if (freeForm && (key === 'additionalProperties' || key === 'propertyNames')) continue;
    if (key === '$schema') continue;
    if (key === 'additionalProperties' && value === false) continue;
    if ((key === 'minimum' || key === 'maximum') && Math.abs(value as number) >= Number.MAX_SAFE_INTEGER) continue;
    out[key] = key === 'properties' ? mapValues(value as JsonSchema, toStructural) : toStructural(value);
  }
  return out;
}

function mapValues(object: JsonSchema, fn: (v: unknown) => unknown): JsonSchema {
  return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, fn(v)]));
}

function openApi(schema: z.ZodType): JsonSchema {
  return toStructural(z.toJSONSchema(schema, { target: 'openapi-3.0', unrepresentable: 'throw' })) as JsonSchema;
}

/** What the generator needs to know about any kind of the group. */
export interface KindDefinition {
  kind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  categories: string[];
  description: string;
  spec: z.ZodType;
  status: z.ZodType;
  printerColumns: CatalogKind['printerColumns'];
  validations?: CatalogKind['validations'];
}

/** The CustomResourceDefinition of one kind, built from its zod schemas. */
export function crdFor(kind: KindDefinition): JsonSchema {
  const root: JsonSchema = {
    type: 'object',
    description: kind.description,
    required: ['spec'],
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
      spec: { ...openApi(kind.spec), description: `Desired state of the ${kind.kind}, written by its owners.` },
      status: openApi(kind.status),
    },
    ...(kind.validations ? { 'x-kubernetes-validations': kind.validations } : {}),
  };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${kind.plural}.${GROUP}`,
      labels: { 'app.kubernetes.io/part-of': 'greenroom' },
    },
    spec: {
      group: GROUP,
      scope: 'Namespaced',
      names: {
        kind: kind.kind,
        listKind: `${kind.kind}List`,
        plural: kind.plural,
        singular: kind.singular,
        shortNames: kind.shortNames,
        categories: kind.categories,
      },
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: kind.printerColumns,
          schema: { openAPIV3Schema: root },
        },
      ],
    },
  };
}

/** The CustomResourceDefinition of one catalog kind. */
export function catalogCrd(kind: CatalogKind): JsonSchema {
  return crdFor({ ...kind, categories: ['catalog', 'greenroom'], status: entityStatus });
}
