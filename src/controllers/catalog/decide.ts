import type { EntityStatus, Relation } from '../../api/v1alpha1/index.ts';
import type { Cycle } from '../../catalog/cycles.ts';
import type { Entity } from '../../catalog/entity.ts';
import type { DanglingReference } from '../../catalog/graph.ts';
import type { UnparsableReference } from '../../catalog/references.ts';
import { listProblems, mergeConditions, type ConditionDecision } from '../conditions.ts';
import { fieldsOf, sameStatus } from '../status-compare.ts';
import { CONDITION, REASON } from './reasons.ts';

/** Relations of one type listed in status before the list is capped (the read API has all). */
export const MAX_RELATIONS_PER_TYPE = 100;

/** What the graph knows about one entity: the input of {@link decideStatus}. */
export interface ResolvedView {
  relations: readonly Relation[];
  dangling: DanglingReference[];
  unparsable: UnparsableReference[];
  cycles: Cycle[];
}

const CYCLE_REASON = { dependsOn: REASON.DependencyCycle, parent: REASON.ParentCycle, partOf: REASON.PartOfCycle } as const;
const CYCLE_WORDS = { dependsOn: 'dependsOn loop', parent: 'parent/children loop', partOf: 'partOf loop' } as const;

function referencesCondition(view: ResolvedView): ConditionDecision {
  if (view.unparsable.length > 0) {
    const message = listProblems(view.unparsable.map((u) => `${u.path}: ${u.error}`));
    return { type: CONDITION.ReferencesResolved, status: 'False', reason: REASON.InvalidReference, message };
  }
  if (view.dangling.length > 0) {
    const message = listProblems(view.dangling.map((d) => `${d.path}: ${d.target} does not exist`));
    return { type: CONDITION.ReferencesResolved, status: 'False', reason: REASON.DanglingReference, message };
  }
  return {
    type: CONDITION.ReferencesResolved,
    status: 'True',
    reason: REASON.AllReferencesResolved,
    message: 'Every reference names an existing entity.',
  };
}

function cyclesCondition(cycles: Cycle[]): ConditionDecision {
  const first = cycles[0];
  if (!first) return { type: CONDITION.Acyclic, status: 'True', reason: REASON.NoCycles, message: 'Not part of any reference loop.' };
  const describe = (c: Cycle): string => {
    const shown = c.members.slice(0, 10).join(', ');
    return `${CYCLE_WORDS[c.family]} among ${shown}${c.members.length > 10 ? ` and ${c.members.length - 10} more` : ''}`;
  };
  return { type: CONDITION.Acyclic, status: 'False', reason: CYCLE_REASON[first.family], message: listProblems(cycles.map(describe)) };
}

/** Caps each relation type at {@link MAX_RELATIONS_PER_TYPE}, reporting the full counts. */
function capRelations(relations: readonly Relation[]): Pick<EntityStatus, 'relations' | 'truncatedRelations'> {
  const counts = new Map<string, number>();
  const kept: Relation[] = [];
  for (const r of relations) {
    const n = (counts.get(r.type) ?? 0) + 1;
    counts.set(r.type, n);
    if (n <= MAX_RELATIONS_PER_TYPE) kept.push(r);
  }
  const truncated = [...counts].filter(([, total]) => total > MAX_RELATIONS_PER_TYPE).map(([type, total]) => ({ type, total }));
  return truncated.length > 0 ? { relations: kept, truncatedRelations: truncated } : { relations: kept };
}

/**
 * The status an entity should have, from what the graph knows about it. Pure: the clock is
 * passed in and only used for conditions whose status flips.
 */
export function decideStatus(entity: Entity, view: ResolvedView, now: Date): EntityStatus {
  const references = referencesCondition(view);
  const cycles = cyclesCondition(view.cycles);
  const failing = [references, cycles].find((c) => c.status !== 'True');
  const ready: ConditionDecision = failing
    ? { type: CONDITION.Ready, status: 'False', reason: failing.reason, message: failing.message }
    : { type: CONDITION.Ready, status: 'True', reason: REASON.Resolved, message: 'References resolved and relations written.' };
  return {
    observedGeneration: entity.generation,
    conditions: mergeConditions(entity.status?.conditions, [ready, references, cycles], entity.generation, now),
    ...capRelations(view.relations),
  };
}

/** The fields of an entity's status the catalog writes; `scorecards` there is the scorecard controller's. */
const CATALOG_STATUS_FIELDS = ['observedGeneration', 'conditions', 'relations', 'truncatedRelations'] as const;

/** The condition types the catalog decides; others (an API's DefinitionResolved) have writers of their own. */
const CATALOG_CONDITIONS: ReadonlySet<string> = new Set(Object.values(CONDITION));

/** True when the stored status already says what {@link decideStatus} decided: no write needed. */
export function statusUpToDate(current: EntityStatus | undefined, desired: EntityStatus): boolean {
  if (current === undefined) return false;
  const ours = { ...current, conditions: current.conditions?.filter((c) => CATALOG_CONDITIONS.has(c.type)) };
  return sameStatus(fieldsOf(ours, CATALOG_STATUS_FIELDS), desired);
}
