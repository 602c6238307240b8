import type { Condition } from '../../api/v1alpha1/index.ts';
import type { TemplateObject } from '../../api/objects.ts';
import { syntaxErrors } from '../../templates/render.ts';
import { parametersCacheKey } from '../../templates/parameter-schema.ts';
import { parametersError } from '../../templates/values.ts';
import { listProblems, mergeConditions, type ConditionDecision } from '../conditions.ts';
import { sameStatus } from '../status-compare.ts';
import { CONDITION, REASON } from './reasons.ts';

/** The templated texts of a Template besides its skeleton, named as a reader finds them in the YAML. */
function templatedFields(t: TemplateObject): Map<string, string> {
  const fields = new Map<string, string>();
  for (const step of t.spec.steps) {
    const git = step.publishGit;
    if (!git) continue;
    for (const [name, text] of Object.entries({
      url: git.url,
      branch: git.branch,
      reviewBranch: git.reviewBranch,
      commitMessage: git.commitMessage,
    })) {
      if (text !== undefined) fields.set(`steps[${step.name}].publishGit.${name}`, text);
    }
  }
  (t.spec.output?.links ?? []).forEach((link, i) => {
    fields.set(`output.links[${i}].title`, link.title);
    fields.set(`output.links[${i}].url`, link.url);
  });
  return fields;
}

/**
 * Whether a Template can be run, checked when it is applied rather than at its first run:
 * its parameters compile as JSON Schema, and its inline skeleton and templated fields parse.
 * Skeletons in ConfigMaps and git are checked by each run, which reads them at that moment.
 */
export function decideTemplateConditions(t: TemplateObject, now: Date): Condition[] {
  const problems: { reason: string; message: string }[] = [];
  const schema = parametersError(t.spec.parameters, parametersCacheKey(t));
  if (schema) problems.push({ reason: REASON.InvalidParameters, message: `parameters are not a valid JSON Schema: ${schema}` });
  const texts = new Map([...Object.entries(t.spec.skeleton.inline ?? {}), ...templatedFields(t)]);
  for (const error of syntaxErrors(texts)) problems.push({ reason: REASON.TemplateSyntaxError, message: error.message });
  const ready: ConditionDecision =
    problems.length === 0
      ? {
          type: CONDITION.Ready,
          status: 'True',
          reason: REASON.Valid,
          message: `${t.spec.steps.length} steps; parameters and templated text parse`,
        }
      : { type: CONDITION.Ready, status: 'False', reason: problems[0]!.reason, message: listProblems(problems.map((p) => p.message)) };
  return mergeConditions(t.status?.conditions, [ready], t.metadata.generation ?? 1, now);
}

/**
 * True when the Template's stored status already says what {@link decideTemplateConditions}
 * decided, whatever order the apiserver returned its keys in: no write needed.
 */
export function templateStatusUpToDate(t: TemplateObject, conditions: readonly Condition[]): boolean {
  return sameStatus(t.status, { observedGeneration: t.metadata.generation, conditions });
}
