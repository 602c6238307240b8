import type { z } from 'zod';
import type { ReferenceField } from './reference-fields.ts';

/** A column `kubectl get` prints (CRD additionalPrinterColumns). */
export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'date' | 'boolean' | 'number';
  jsonPath: string;
  description?: string;
  priority?: number;
}

/** A CEL rule evaluated at admission (x-kubernetes-validations). */
export interface ValidationRule {
  rule: string;
  message: string;
  fieldPath?: string;
}

/** Everything the generator and the operator need to know about one catalog kind. */
export interface CatalogKind {
  kind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  description: string;
  spec: z.ZodObject;
  references: readonly ReferenceField[];
  printerColumns: PrinterColumn[];
  /** Rules on the whole object, where a rule needs metadata next to spec. */
  validations?: ValidationRule[];
}

export const READY_COLUMN: PrinterColumn = {
  name: 'Ready',
  type: 'string',
  jsonPath: '.status.conditions[?(@.type=="Ready")].status',
  description: 'Whether every reference resolved.',
};

export const AGE_COLUMN: PrinterColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };

export const column = (name: string, jsonPath: string, description: string, priority?: number): PrinterColumn => ({
  name,
  type: 'string',
  jsonPath,
  description,
  ...(priority === undefined ? {} : { priority }),
});
