import { describe, expect, it } from '@jest/globals';
import { parserMessage } from '../../src/api-definitions/definition-text.ts';

describe('what a reader sees of a parser message', () => {
  it('when a parser message names the server files or appends a stack, then the reader sees neither', () => {
    const message = parserMessage(
      `Error resolving $ref pointer "${process.cwd()}/x.yaml#/a", stack: Error\n    at f (${process.cwd()}/src/a.ts:1:1)`,
    );
    expect(message).toBe('Error resolving $ref pointer "x.yaml#/a"');
  });
});
