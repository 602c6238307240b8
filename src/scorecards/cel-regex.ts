/**
 * CEL's `matches()` on RE2, as the CEL spec defines it, instead of cel-js's built-in one,
 * which runs `new RegExp(pattern).test(s)`: a backtracking engine, so one rule like
 * `self.spec.description.matches('^(a+)+$')` blocked the event loop for seconds per entity
 * (doubling with each extra letter) and with it the leader's lease renewals.
 *
 * Why re2js: a pure-JavaScript port of RE2 (linear time in the input, no backreferences or
 * lookaround by design), synchronous, with no native build (unlike re2) and no asynchronous
 * WebAssembly start (unlike re2-wasm) — CEL functions are called synchronously.
 *
 * How it replaces the built-in: cel-js will not register a second `string.matches(string)`
 * (it overlaps the built-in) and its declarations are frozen. Macros, though, are chosen by
 * name and argument count when the expression is parsed, before any overload: a macro named
 * `matches` taking one argument takes every `x.matches(y)` call, and type-checks and
 * evaluates it itself. A macro still needs a receiver type to be declared with; it is a type
 * of our own so it overlaps nothing, and is never used to match.
 */
import type { Environment } from '@marcbachmann/cel-js';
import type { RE2JS } from 're2js';
import { compiledPattern, describeRe2Error, re2Error } from '../shared/re2.ts';

// The slice of cel-js's macro interface this uses (its type declarations do not describe macros).
interface CelNode {
  op: string;
  args: unknown;
  start?: number;
}
interface CelType {
  name: string;
  kind: string;
}
interface Checker {
  check(node: CelNode, ctx: unknown): CelType;
  getType(name: string): CelType;
  createError(code: string, message: string, node: CelNode): Error;
}
interface Evaluator {
  run(node: CelNode, ctx: unknown): unknown;
  createError(code: string, message: string, node: CelNode): Error;
}
interface MatchesMacro {
  receiver: CelNode;
  pattern: CelNode;
  typeCheck: unknown;
  evaluate: unknown;
}

const isStringOrDyn = (t: CelType) => t.name === 'string' || t.kind === 'dyn';

/**
 * Makes `string.matches(pattern)` in `environment` use RE2 (see the module's comment). A
 * literal pattern RE2 cannot compile is a type-check error at the pattern's position; one
 * computed at run time fails the evaluation with the same message.
 */
export function useRe2ForMatches(environment: Environment): Environment {
  return environment
    .registerType({ name: 'greenroom.Re2Matches', schema: {} })
    .registerFunction('greenroom.Re2Matches.matches(ast): bool', (({
      receiver,
      args,
    }: {
      receiver: CelNode;
      args: CelNode[];
    }): MatchesMacro => ({
      receiver,
      pattern: args[0]!,
      typeCheck,
      evaluate,
    })) as never);
}

function typeCheck(chk: Checker, macro: MatchesMacro, ctx: unknown): CelType {
  const receiver = chk.check(macro.receiver, ctx);
  const pattern = chk.check(macro.pattern, ctx);
  if (!isStringOrDyn(receiver) || !isStringOrDyn(pattern)) {
    throw chk.createError(
      'no_matching_overload',
      `found no matching overload for '${receiver.name}.matches(${pattern.name})'`,
      macro.receiver,
    );
  }
  if (macro.pattern.op === 'value' && typeof macro.pattern.args === 'string') {
    const problem = re2Error(macro.pattern.args);
    if (problem) throw chk.createError('invalid_regular_expression', problem, macro.pattern);
  }
  return chk.getType('bool');
}

function evaluate(ev: Evaluator, macro: MatchesMacro, ctx: unknown): boolean {
  const text = ev.run(macro.receiver, ctx);
  const pattern = ev.run(macro.pattern, ctx);
  if (typeof text !== 'string' || typeof pattern !== 'string') {
    throw ev.createError('no_matching_overload', 'matches() takes a string and a string pattern', macro.receiver);
  }
  let re: RE2JS;
  try {
    re = compiledPattern(pattern);
  } catch (error) {
    throw ev.createError('invalid_regular_expression', describeRe2Error(error, pattern), macro.pattern);
  }
  // CEL's matches() is true when the pattern matches any substring, as RE2's test() is.
  return re.test(text);
}
