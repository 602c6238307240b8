/**
 * Which Pods a workload owns: the workload's spec.selector matched against a Pod's labels,
 * as the apiserver's label selectors do (metav1.LabelSelectorAsSelector).
 */
import type { LabelSelector } from '../../scorecards/types.ts';

type Requirement = NonNullable<LabelSelector['matchExpressions']>[number];

/**
 * True when `labels` satisfy every matchLabels pair and every matchExpression. A missing or
 * empty selector matches nothing here: Kubernetes reads `{}` as "everything", but apps/v1
 * requires a non-empty one, and claiming every Pod of a namespace for one workload would
 * show people Pods that are not theirs.
 */
export function matchesSelector(selector: LabelSelector | undefined, labels: Readonly<Record<string, string>> | undefined): boolean {
  const pairs = Object.entries(selector?.matchLabels ?? {});
  const expressions = selector?.matchExpressions ?? [];
  if (pairs.length === 0 && expressions.length === 0) return false;
  const have = labels ?? {};
  return pairs.every(([key, value]) => have[key] === value) && expressions.every((r) => meets(r, have));
}

function meets(requirement: Requirement, labels: Readonly<Record<string, string>>): boolean {
  const present = Object.hasOwn(labels, requirement.key);
  const values = requirement.values ?? [];
  switch (requirement.operator) {
    case 'In':
      return present && values.includes(labels[requirement.key]!);
    case 'NotIn':
      return !present || !values.includes(labels[requirement.key]!);
    case 'Exists':
      return present;
    case 'DoesNotExist':
      return !present;
    default:
      // An operator this code does not know selects nothing rather than everything.
      return false;
  }
}
