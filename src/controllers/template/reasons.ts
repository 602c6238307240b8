/** Condition types and CamelCase reasons of Templates, kept in one place. */
export const CONDITION = {
  /** True when the Template can be run: its parameters compile and its templated text parses. */
  Ready: 'Ready',
} as const;

export const REASON = {
  Valid: 'Valid',
  /** spec.parameters is not a valid JSON Schema. */
  InvalidParameters: 'InvalidParameters',
  /** An inline skeleton file or a templated field does not parse. */
  TemplateSyntaxError: 'TemplateSyntaxError',
} as const;
