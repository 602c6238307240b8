import { FORMAT_NAMES } from '../../api-definitions/formats.ts';
import type { ApiDescription } from '../../api-definitions/model.ts';
import { DEFINITION_REASON, type ReadDefinition } from '../../api-definitions/read-definition.ts';
import type { Condition } from '../../api/v1alpha1/index.ts';
import { listProblems, MAX_MESSAGE_LENGTH, mergeConditions, type ConditionDecision } from '../conditions.ts';
import { sameStatus } from '../status-compare.ts';

export const DEFINITION_CONDITION = 'DefinitionResolved';

/** What a description holds, in a few words: `OpenAPI 3.0.3, 1107 operations`. */
export function summary(description: ApiDescription): string {
  switch (description.format) {
    case 'openapi':
      return `OpenAPI ${description.specVersion}, ${description.operationCount} operations`;
    case 'asyncapi':
      return `AsyncAPI ${description.specVersion}, ${description.channels.length} channels, ${description.operations.length} operations`;
    case 'graphql':
      return `GraphQL, ${description.types.length} types`;
    case 'grpc':
      return `gRPC (${description.syntax}), ${description.services.length} services, ${description.messages.length} messages`;
  }
}

const where = (p: { line?: number | undefined; message: string }): string => (p.line ? `line ${p.line}: ${p.message}` : p.message);

/**
 * The DefinitionResolved condition an API's definition calls for, or undefined when the API
 * has none (the condition is then removed). True when it was read and described (warnings
 * listed), or shown as text for a type Greenroom does not render; False with the reason and
 * the line when it could not be fetched or parsed; Unknown while the first read is under way.
 */
export function decideDefinition(read: ReadDefinition | undefined): ConditionDecision | undefined {
  if (!read) return undefined;
  const type = DEFINITION_CONDITION;
  if (read.failure) {
    const kept = read.description ? ' The last definition read is still shown.' : '';
    const said = read.failure.message.replace(/\.$/, '');
    return { type, status: 'False', reason: read.failure.reason, message: `${read.origin}: ${said}.${kept}` };
  }
  if (read.description) {
    const warnings = read.warnings ?? [];
    const listed = warnings.length
      ? `; ${warnings.length} ${warnings.length === 1 ? 'warning' : 'warnings'}: ${listProblems(warnings.map(where), 2048)}`
      : '';
    return {
      type,
      status: 'True',
      reason: DEFINITION_REASON.Described,
      message: `${summary(read.description)}, read from ${read.origin}${listed}`,
    };
  }
  if (read.text !== undefined)
    return {
      type,
      status: 'True',
      reason: DEFINITION_REASON.NotRendered,
      message: `read from ${read.origin}; shown as text: Greenroom renders ${Object.values(FORMAT_NAMES).join(', ')} definitions`,
    };
  return { type, status: 'Unknown', reason: DEFINITION_REASON.Reading, message: `reading the definition from ${read.origin}` };
}

/** The conditions list this controller owns on an API: its one condition, or none. */
export function definitionConditions(
  previous: readonly Condition[] | undefined,
  decision: ConditionDecision | undefined,
  generation: number,
  now: Date,
): Condition[] {
  return decision ? mergeConditions(previous, [decision], generation, now) : [];
}

/** Whether the stored DefinitionResolved already says what was decided (generation aside: it follows the text, not the spec). */
export function definitionUpToDate(stored: readonly Condition[] | undefined, decision: ConditionDecision | undefined): boolean {
  const current = stored?.find((c) => c.type === DEFINITION_CONDITION);
  if (!decision) return current === undefined;
  return (
    current !== undefined &&
    sameStatus(
      { status: current.status, reason: current.reason, message: current.message },
      { status: decision.status, reason: decision.reason, message: decision.message.slice(0, MAX_MESSAGE_LENGTH) },
    )
  );
}
