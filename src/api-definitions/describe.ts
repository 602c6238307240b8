import { describeAsyncApi } from './describe-asyncapi.ts';
import { describeGraphQl } from './describe-graphql.ts';
import { describeGrpc } from './describe-grpc.ts';
import { describeOpenApi } from './describe-openapi.ts';
import type { DefinitionFormat, DescribeResult } from './model.ts';

const DESCRIBERS: Record<DefinitionFormat, (text: string) => Promise<DescribeResult>> = {
  openapi: describeOpenApi,
  asyncapi: describeAsyncApi,
  graphql: describeGraphQl,
  grpc: describeGrpc,
};

/** Reads a definition of `format` with that format's parser. Runs in describe-child.ts, never in the operator's own heap. */
export function describeDefinition(format: DefinitionFormat, text: string): Promise<DescribeResult> {
  return DESCRIBERS[format](text);
}
