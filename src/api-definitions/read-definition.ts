import type { ApiDescription, DefinitionFormat, DefinitionProblem } from './model.ts';

/** Why an API's definition has no description, as the DefinitionResolved condition's reason. */
export const DEFINITION_REASON = {
  Described: 'Described',
  Reading: 'Reading',
  NotRendered: 'NotRendered',
  DefinitionInvalid: 'DefinitionInvalid',
  FetchFailed: 'FetchFailed',
  HostNotAllowed: 'HostNotAllowed',
  TooLarge: 'TooLarge',
  ConfigMapNotFound: 'ConfigMapNotFound',
  KeyNotFound: 'KeyNotFound',
  LimitExceeded: 'LimitExceeded',
} as const;

export type FailureReason = Exclude<(typeof DEFINITION_REASON)[keyof typeof DEFINITION_REASON], 'Described' | 'Reading' | 'NotRendered'>;

/** What went wrong reading a definition, where. */
export interface DefinitionFailure {
  reason: FailureReason;
  message: string;
  /** Problems with their lines, when the definition was read but its parser refused it. */
  problems?: DefinitionProblem[];
}

/** Where an API's definition comes from, as people are told: `spec.definition`, `https://…`, `ConfigMap apis/petstore key openapi.yaml`. */
export type DefinitionOrigin = string;

/**
 * One API's definition as a replica holds it, for the API tab and the DefinitionResolved
 * condition. A failed re-read keeps the last description it had (`description` with `failure`):
 * a definition server that is down for an hour does not empty the page.
 */
export interface ReadDefinition {
  origin: DefinitionOrigin;
  /** The format spec.type names; undefined when Greenroom does not render that type. */
  format: DefinitionFormat | undefined;
  /** Reading (or re-reading) is under way; nothing, or the last result, is shown meanwhile. */
  reading: boolean;
  description?: ApiDescription;
  warnings?: DefinitionProblem[];
  /** The text itself, for types Greenroom does not render (shown as text), capped. */
  text?: string;
  failure?: DefinitionFailure;
  /** SHA-256 of the text described, and its size. */
  digest?: string;
  bytes?: number;
  /** When the text was last read (RFC 3339). */
  readAt?: string;
}

/** What the dashboard reads: each API's definition by entity ref (`api:namespace/name`). */
export interface DefinitionShelf {
  definitionOf(ref: string): ReadDefinition | undefined;
}
