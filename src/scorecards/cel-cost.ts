/**
 * A static cost estimate of a CEL rule, in the spirit of the one Kubernetes applies to CRD
 * validation rules: a rule is evaluated for every entity a scorecard selects, on every
 * change, so a rule whose worst case is huge (comprehensions nested three deep over lists of
 * unknown size, a regex inside them) is rejected when the Scorecard is applied, with where,
 * instead of occupying the evaluator at each event. Units are roughly "one node evaluated".
 */

/** Items each comprehension (all, exists, exists_one, filter, map) is assumed to run over when its list is not a literal. */
export const ASSUMED_LIST_SIZE = 100;
/** Characters a string a rule reads (a description, an annotation) is assumed to hold. */
export const ASSUMED_STRING_SIZE = 1_000;
/** Characters assumed for a pattern computed at run time. */
const ASSUMED_PATTERN_SIZE = 100;
/**
 * The most a rule may cost. Two nested comprehensions over assumed lists (≈50 000 for a
 * simple body) or a regex inside one fit; three nested ones (≈5 000 000) do not.
 */
export const COST_BUDGET = 1_000_000;

/** Why a rule costs too much, and where in the expression the over-budget part starts. */
export interface CostProblem {
  cost: number;
  message: string;
  position?: number;
}

// The slice of cel-js's AST this reads: a node's operator, arguments, start offset, and
// the macro expansion (a comprehension) or own macro (`has`, `matches`, `cel.bind`) it carries.
interface CelNode {
  op: string;
  args: unknown;
  start?: number;
  meta?: { alternate?: CelNode; macro?: Record<string, unknown> };
}

const isNode = (value: unknown): value is CelNode =>
  typeof value === 'object' && value !== null && typeof (value as CelNode).op === 'string';

/** The rule's estimated cost, and a problem when it is over {@link COST_BUDGET}. */
export function estimateCost(ast: unknown): { cost: number; problem?: CostProblem } {
  let problem: CostProblem | undefined;
  const walk = (node: CelNode): number => {
    const cost = nodeCost(node, walk);
    // The smallest part over budget is named: that is what to rewrite.
    if (cost > COST_BUDGET && !problem) {
      problem = {
        cost,
        message: `the rule's estimated cost ${cost} is over the budget of ${COST_BUDGET} (each comprehension is assumed to run over ${ASSUMED_LIST_SIZE} items, each string to hold ${ASSUMED_STRING_SIZE} characters): nest fewer comprehensions or move matches() out of them`,
        ...(node.start === undefined ? {} : { position: node.start }),
      };
    }
    return cost;
  };
  const cost = isNode(ast) ? walk(ast) : 0;
  return problem ? { cost, problem } : { cost };
}

function nodeCost(node: CelNode, walk: (n: CelNode) => number): number {
  const alternate = node.meta?.alternate;
  if (alternate) return walk(alternate);
  if (node.op === 'comprehension') {
    const { iterable, init, step, condition } = node.args as Record<string, unknown>;
    const size = isNode(iterable) && iterable.op === 'list' && Array.isArray(iterable.args) ? iterable.args.length : ASSUMED_LIST_SIZE;
    const body = 1 + costOf(step, walk) + costOf(condition, walk);
    return costOf(iterable, walk) + costOf(init, walk) + size * body;
  }
  const macro = node.meta?.macro;
  if (macro && 'pattern' in macro) return matchesCost(macro, walk);
  // A macro's `ast` is this very node (cel.bind keeps it), and `has` keeps a second list of its argument's parts.
  const children = macro
    ? Object.entries(macro)
        .filter(([key]) => key !== 'ast' && key !== 'macroHasProps')
        .map(([, v]) => v)
    : [node.args];
  return 1 + children.reduce<number>((sum, child) => sum + costOf(child, walk), 0);
}

/** RE2 runs in time proportional to the input's length times the pattern's (its program's) size. */
function matchesCost(macro: Record<string, unknown>, walk: (n: CelNode) => number): number {
  const pattern = macro.pattern as CelNode;
  const patternSize = pattern.op === 'value' && typeof pattern.args === 'string' ? Math.max(1, pattern.args.length) : ASSUMED_PATTERN_SIZE;
  return costOf(macro.receiver, walk) + costOf(pattern, walk) + Math.ceil((ASSUMED_STRING_SIZE * patternSize) / 10);
}

/** Sums the cost of whatever holds nodes: a node, or arrays (call arguments, map entries) of them. */
function costOf(value: unknown, walk: (n: CelNode) => number): number {
  if (isNode(value)) return walk(value);
  if (Array.isArray(value)) return value.reduce<number>((sum, v) => sum + costOf(v, walk), 0);
  return 0;
}
