/**
 * Scorecard rules are CEL, the language Kubernetes validates CRDs with.
 *
 * Why @marcbachmann/cel-js rather than @bufbuild/cel: both pass the macros (has, all, exists,
 * exists_one, filter, map) and the string functions we need, but cel-js
 * - takes plain JSON (objects, arrays) as it comes from the apiserver, where @bufbuild/cel
 *   wants Maps and protobuf messages (its timestamps are protobuf Timestamps, not Dates);
 * - reports a parse error at the offending character as an offset (`range.start`), where
 *   @bufbuild/cel's PEG parser often points at the start of the last good token;
 * - type-checks against declared variables, so `facts.replica` is rejected when the scorecard
 *   is applied, not on every evaluation;
 * - evaluated a typical rule about 3× faster (≈5 µs against ≈17 µs) and parsed about 3.5×
 *   faster on this machine, with no dependencies (290 kB against ≈11 MB with protobuf and re2).
 */
import { Environment, type ParseResult } from '@marcbachmann/cel-js';
// group-version.ts rather than the index: the rule worker threads load this module, and the index loads every CRD schema.
import { API_VERSION } from '../api/v1alpha1/group-version.ts';
import type { Entity } from '../catalog/entity.ts';
import { estimateCost } from './cel-cost.ts';
import { useRe2ForMatches } from './cel-regex.ts';
import type { InvalidRule, RuntimeFacts, ScorecardRule } from './types.ts';
import { redactAnnotations } from '../catalog/redact.ts';

/** A rule whose expression parsed and type-checked; evaluate it with {@link evaluate}. */
export interface CompiledRule {
  rule: ScorecardRule;
  program: ParseResult;
}

/** What a rule sees: `self` (from {@link selfOf}), `facts` and `now`. */
export interface RuleContext {
  self: object;
  facts: RuntimeFacts;
  now: Date;
}

export interface RuleOutcome {
  passed: boolean;
  error?: string;
  /** The rule overran its deadline and was stopped: it has no verdict. */
  timedOut?: boolean;
}

/** The entity as users write it in YAML, which is what rules address as `self`. */
export interface EntitySelf {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
    creationTimestamp?: string;
  };
  spec: Record<string, unknown>;
  status: Record<string, unknown>;
}

const WORKLOAD_FIELDS = {
  kind: 'string',
  namespace: 'string',
  name: 'string',
  replicas: 'int',
  readyReplicas: 'int',
  images: 'list<string>',
  latestTag: 'bool',
  limitsSet: 'bool',
  probesSet: 'bool',
  pdbCovered: 'bool',
} as const;

// Facts have a fixed shape, so declaring it lets the checker reject `facts.replica` when the
// scorecard is applied. `self` stays a map: entity specs differ by kind and are open-ended.
// matches() runs on RE2 (linear time), not the library's backtracking RegExp.
const environment = useRe2ForMatches(new Environment({ enableOptionalTypes: true }))
  .registerType({ name: 'greenroom.Workload', schema: WORKLOAD_FIELDS })
  .registerVariable('self', 'map')
  .registerVariable({
    name: 'facts',
    schema: {
      workloads: 'list<greenroom.Workload>',
      hasWorkload: 'bool',
      replicas: 'int',
      readyReplicas: 'int',
      images: 'list<string>',
      latestTag: 'bool',
      limitsSet: 'bool',
      probesSet: 'bool',
      pdbCovered: 'bool',
    },
  })
  .registerVariable('now', 'google.protobuf.Timestamp');

/**
 * Parses and type-checks every rule once. A rule that does not compile (or names an unknown
 * level, when `levels` is given, or repeats a name) is reported with where, and left out of
 * `compiled`; the others stay usable.
 */
export function compileRules(
  rules: readonly ScorecardRule[],
  levels?: readonly string[],
): { compiled: Map<string, CompiledRule>; invalid: InvalidRule[] } {
  const compiled = new Map<string, CompiledRule>();
  const invalid: InvalidRule[] = [];
  const seen = new Set<string>();
  for (const rule of rules) {
    const problem = seen.has(rule.name)
      ? { message: `another rule is already named ${rule.name}` }
      : levels && !levels.includes(rule.level)
        ? { message: `level ${rule.level} is not one of the scorecard's levels (${levels.join(', ')})` }
        : undefined;
    seen.add(rule.name);
    if (problem) {
      invalid.push({ rule: rule.name, ...problem });
      continue;
    }
    const result = compile(rule.expression);
    if ('program' in result) compiled.set(rule.name, { rule, program: result.program });
    else invalid.push({ rule: rule.name, ...result });
  }
  return { compiled, invalid };
}

/** Parses, type-checks and cost-checks one expression; where it fails when it does not compile. */
export function compile(expression: string): { program: ParseResult } | { message: string; position?: number } {
  let program: ParseResult;
  try {
    program = environment.parse(expression);
  } catch (error) {
    return located(error);
  }
  const checked = program.check();
  if (!checked.valid) return located(checked.error);
  if (checked.type !== 'bool' && checked.type !== 'dyn') {
    return { message: `the expression yields ${checked.type}; a rule must yield a bool` };
  }
  const { problem } = estimateCost(program.ast);
  if (problem)
    return problem.position === undefined ? { message: problem.message } : { message: problem.message, position: problem.position };
  return { program };
}

/** The library's errors carry the offending range as character offsets into the expression. */
function located(error: unknown): { message: string; position?: number } {
  const { summary, message, range } = (error ?? {}) as { summary?: string; message?: string; range?: { start?: number } };
  const text = summary ?? message ?? String(error);
  return range?.start === undefined ? { message: text } : { message: text, position: range.start };
}

/**
 * Runs one rule. Never throws: a run-time error (a missing key, a wrong type) or a result
 * that is not a boolean fails the rule, with why as `error`.
 */
export function evaluate(rule: CompiledRule, context: RuleContext): RuleOutcome {
  let value: unknown;
  try {
    value = rule.program({ self: celSelf(context.self), facts: celFacts(context.facts), now: context.now });
  } catch (error) {
    return { passed: false, error: located(error).message };
  }
  if (typeof value === 'boolean') return { passed: value };
  return { passed: false, error: `the expression yielded ${celTypeName(value)}, not a bool` };
}

/**
 * `self` for rules: apiVersion, kind, metadata, spec and status as in the custom resource.
 * `status.relations` is always a list, so `self.status.relations.exists(…)` is simply false
 * for an entity that has none yet.
 */
export function selfOf(entity: Entity): EntitySelf {
  const metadata: EntitySelf['metadata'] = {
    name: entity.name,
    namespace: entity.namespace,
    labels: entity.labels,
    // Redacted as in every view: a Scorecard may select other namespaces' entities, and its
    // rules' pass/fail would otherwise let its author test a webhook URL a character at a time.
    annotations: redactAnnotations(entity.annotations),
  };
  if (entity.creationTimestamp) metadata.creationTimestamp = entity.creationTimestamp;
  return {
    apiVersion: API_VERSION,
    kind: entity.kind,
    metadata,
    spec: entity.spec,
    status: { ...entity.status, relations: entity.status?.relations ?? [] },
  };
}

// One entity is evaluated against every rule of every scorecard: convert its JSON once.
const selfCache = new WeakMap<object, unknown>();
const factsCache = new WeakMap<object, unknown>();

function celSelf(self: object): unknown {
  let converted = selfCache.get(self);
  if (converted === undefined) selfCache.set(self, (converted = fromJson(self)));
  return converted;
}

function celFacts(facts: RuntimeFacts): unknown {
  let converted = factsCache.get(facts);
  if (converted === undefined) factsCache.set(facts, (converted = fromJson(facts)));
  return converted;
}

/**
 * JSON as Kubernetes CEL sees it: whole numbers are ints (so `self.spec.replicas + 1` is an
 * int and matches the declared int facts), other numbers doubles; absent (undefined) fields
 * are left out so `has()` reports them missing.
 */
function fromJson(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(fromJson);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value)) if (field !== undefined) out[key] = fromJson(field);
    return out;
  }
  return value;
}

function celTypeName(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'bigint') return `int ${value}`;
  if (typeof value === 'number') return `double ${value}`;
  if (typeof value === 'string') return `string "${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date) return 'a timestamp';
  return typeof value === 'object' ? 'a map' : typeof value;
}
