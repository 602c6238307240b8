import { describeAsyncApi } from './describe-asyncapi.ts';
import { describeGraphQl } from './describe-graphql.ts';
import { describeGrpc } from './describe-grpc.ts';
import { describeOpenApi } from './describe-openapi.ts';
import { parserMessage } from './definition-text.ts';
import type { DefinitionFormat, DescribeResult } from './model.ts';

const DESCRIBERS: Record<DefinitionFormat, (text: string) => Promise<DescribeResult>> = {
  openapi: describeOpenApi,
  asyncapi: describeAsyncApi,
  graphql: describeGraphQl,
  grpc: describeGrpc,
};

/**
 * Reads a definition of `format` with that format's parser. Runs in describe-child.ts, never
 * in the operator's own heap. A parser that throws — a document built to break it, nesting
 * past the stack, say — gives a problem saying so, not a crash.
 */
export async function describeDefinition(format: DefinitionFormat, text: string): Promise<DescribeResult> {
  try {
    return await DESCRIBERS[format](text);
  } catch (error) {
    return {
      problems: [{ message: `The definition could not be described: ${parserMessage((error as Error).message ?? String(error))}` }],
    };
  }
}
