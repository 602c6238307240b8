/**
 * What evaluates rules: a batch of tasks (one entity against the rules of one scorecard)
 * per call, so a worker thread gets one message per batch rather than one per rule.
 * {@link evaluateTasks} is the evaluation itself, shared by the worker and
 * {@link inlineRunner} (tests and the CLI, where no deadline is needed).
 */
import { compile, evaluate, type CompiledRule, type EntitySelf, type RuleOutcome } from './cel.ts';
import type { RuntimeFacts } from './types.ts';

/** One entity against some rules of one scorecard. */
export interface RuleTask {
  rules: { name: string; expression: string }[];
  self: EntitySelf;
  facts: RuntimeFacts;
  /**
   * Which entity, at which version, `self` is: a worker keeps the selves it was sent, so an
   * unchanged entity is not copied to it again on the next rescore.
   */
  entity?: { ref: string; version: string };
}

/** Each rule's outcome by rule name, in the task's order; a rule stopped at its deadline has `timedOut`. */
export type TaskOutcomes = Record<string, RuleOutcome>;

export interface RuleRunner {
  /** Outcomes of every task, in order. Never rejects for a rule's sake: a rule that fails or overruns has an outcome saying so. */
  run(tasks: readonly RuleTask[], now: Date): Promise<TaskOutcomes[]>;
  close(): Promise<void>;
}

/** Where evaluation stands, for a watchdog: called before each rule runs. */
export type Progress = (task: number, rule: number) => void;

const PROGRAM_CACHE_SIZE = 1_000;
const programs = new Map<string, CompiledRule['program'] | { message: string }>();

function programFor(expression: string): CompiledRule['program'] | { message: string } {
  let program = programs.get(expression);
  if (program) return program;
  const compiled = compile(expression);
  program = 'program' in compiled ? compiled.program : { message: compiled.message };
  if (programs.size >= PROGRAM_CACHE_SIZE) programs.delete(programs.keys().next().value!);
  programs.set(expression, program);
  return program;
}

/**
 * Evaluates tasks in order (expressions compiled once and kept), skipping the rules in
 * `skip` (`task:rule` indexes, already stopped at their deadline), which get `timedOut`.
 */
export function evaluateTasks(
  tasks: readonly RuleTask[],
  now: Date,
  skip: ReadonlySet<string> = new Set(),
  progress?: Progress,
): TaskOutcomes[] {
  return tasks.map((task, t) => {
    const outcomes: TaskOutcomes = {};
    task.rules.forEach(({ name, expression }, r) => {
      if (skip.size > 0 && skip.has(`${t}:${r}`)) {
        outcomes[name] = { passed: false, timedOut: true, error: 'the rule timed out' };
        return;
      }
      progress?.(t, r);
      const program = programFor(expression);
      outcomes[name] =
        typeof program === 'function'
          ? evaluate({ rule: { name, expression, level: '' }, program }, { self: task.self, facts: task.facts, now })
          : { passed: false, error: program.message };
    });
    return outcomes;
  });
}

/** Evaluates on the calling thread, without deadlines: for tests and one-off tools. */
export const inlineRunner: RuleRunner = {
  run: async (tasks, now) => evaluateTasks(tasks, now),
  close: async () => {},
};
