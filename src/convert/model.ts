/** Annotations that keep the Backstage identity of a converted object, for lookups and a way back. */
export const BACKSTAGE_NAME_ANNOTATION = 'greenroom.dev/backstage-name';
export const BACKSTAGE_NAMESPACE_ANNOTATION = 'greenroom.dev/backstage-namespace';
/**
 * Everything of a Backstage entity that has no place in a Greenroom object (extra spec
 * fields, labels Kubernetes refuses, a link's `type`), as JSON keyed by its Backstage path,
 * so that converting never drops data without a trace.
 */
export const BACKSTAGE_UNMAPPED_ANNOTATION = 'greenroom.dev/backstage-unmapped';

/** One YAML document of a source file, as it was parsed. */
export interface SourceDocument {
  file: string;
  /** 1-based position of the document in its file. */
  document: number;
  /** 1-based line where the document's content starts, when the file was parsed here. */
  line?: number;
  value: unknown;
}

/**
 * Something the user should know about. `skipped` means data was not converted (an entity,
 * a file, a Location target) and makes `greenroom convert` exit 1; a `warning` says what
 * was changed or moved on the way, with nothing lost.
 */
export interface Problem {
  severity: 'skipped' | 'warning';
  file: string;
  document?: number;
  /** 1-based line where that document's content starts, when known (not printed by `greenroom convert`). */
  line?: number;
  /** The Backstage entity as `kind:namespace/name`, when known. */
  entity?: string;
  message: string;
}

/** A Greenroom catalog object, ready to apply. */
export interface GreenroomObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations: Record<string, string>;
  };
  spec: Record<string, unknown>;
}

/** Anything `greenroom convert` writes: a catalog entity, a CatalogSource, a Template, a skeleton's ConfigMap. */
export interface OutputObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
}

/** An object written by the converter, with the Backstage file and document it came from. */
export interface ConvertedObject<T extends OutputObject = OutputObject> {
  object: T;
  source: Pick<SourceDocument, 'file' | 'document' | 'line'>;
}

export interface ConvertedEntity {
  object: GreenroomObject;
  source: Pick<SourceDocument, 'file' | 'document' | 'line'>;
}

export interface ConvertOptions {
  /**
   * Kubernetes namespace for Backstage's `default` namespace. Without it, those objects get
   * no namespace and land in the one kubectl applies them to.
   */
  namespace?: string | undefined;
}

export interface ConvertResult {
  entities: ConvertedEntity[];
  problems: Problem[];
}

/** A YAML mapping (not a list, not a scalar). */
export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
