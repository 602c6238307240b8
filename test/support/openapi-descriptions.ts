/** Helpers for tests of describeOpenApi: its result as a description, its operations, texts by line. */
import type { DefinitionProblem, DescribeResult, OpenApiDescription, OpenApiOperation } from '../../src/api-definitions/model.ts';

/** What describeOpenApi gave, as a description (the test fails when it gave problems). */
export function described(result: DescribeResult): { description: OpenApiDescription; warnings: DefinitionProblem[] } {
  if (!('description' in result)) throw new Error(`expected a description, got problems: ${JSON.stringify(result.problems)}`);
  if (result.description.format !== 'openapi') throw new Error(`expected OpenAPI, got ${result.description.format}`);
  return { description: result.description, warnings: result.warnings };
}

/** Every operation of a description once, though it may be listed under several tags. */
export function operations(description: OpenApiDescription): OpenApiOperation[] {
  return [...new Map(description.tags.flatMap((t) => t.operations).map((op) => [op.id, op])).values()];
}

/** The operation with this id or operationId. */
export function operation(description: OpenApiDescription, id: string): OpenApiOperation {
  const found = operations(description).find((op) => op.id === id || op.operationId === id);
  if (!found) throw new Error(`no operation ${id}`);
  return found;
}

/** A text of these lines. */
export function lines(...text: string[]): string {
  return text.join('\n') + '\n';
}
