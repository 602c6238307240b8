import type { WorkResult } from '../../runtime/work-queue.ts';
import { initiativeProgress, milestoneDue, type InitiativeEntity } from '../../scorecards/initiative.ts';
import { inScope } from '../../scorecards/select.ts';
import { initiativeScorecardKey, type InitiativeObject } from '../../scorecards/store.ts';
import type { InitiativeProgress } from '../../scorecards/types.ts';
import { fieldsOf, sameStatus } from '../status-compare.ts';
import { initiativeProblem, initiativeStatus, unevaluatedInitiativeStatus } from './decide.ts';
import type { ScorecardWorld } from './reconcile.ts';

/** The fields of an Initiative's status this operator writes (and so compares before writing). */
const INITIATIVE_STATUS_FIELDS = [
  'observedGeneration',
  'phase',
  'progress',
  'byOwner',
  'history',
  'startedAt',
  'lastMilestone',
  'conditions',
] as const;
/** Phases move with the clock too: look again at least this often. */
const RECHECK_MS = 3_600_000;
/** Reminder Events per milestone, at most: the rest are in status and on the initiative page. */
const MAX_EVENTS = 100;

/**
 * Follows Initiatives: progress, phase and conditions from the scores in memory, and at each
 * milestone a Warning Event on every entity still behind and a reminder to their owners.
 */
export class InitiativeReconciler {
  private readonly world: ScorecardWorld;
  /**
   * The milestone this process last announced, per initiative and deadline. The informer's
   * copy of status.lastMilestone may not show that write yet when the next reconcile comes;
   * this does. Cleared on {@link forgetAnnounced} (becoming leader), when the stored
   * status is what another leader last wrote.
   */
  private readonly announced = new Map<string, string>();

  constructor(world: ScorecardWorld) {
    this.world = world;
  }

  forgetAnnounced(): void {
    this.announced.clear();
  }

  async reconcile(key: string): Promise<WorkResult> {
    const initiative = this.world.initiative(key);
    if (!initiative) return 'done';
    const { metadata, spec } = initiative;
    const generation = metadata.generation ?? 1;
    const scorecardKey = initiativeScorecardKey(initiative);
    const sc = this.world.scorecard(scorecardKey);
    const now = this.world.now();
    const problem = initiativeProblem(spec, scorecardKey, sc?.spec);
    if (problem) {
      await this.writeIfChanged(initiative, unevaluatedInitiativeStatus(initiative.status, generation, problem, now));
      return { requeueAfter: RECHECK_MS };
    }
    // A missing Scorecard is one of initiativeProblem's problems: past it there is one.
    const scorecard = sc!.spec;
    const deadline = new Date(spec.deadline);
    const startedAt = new Date(initiative.status?.startedAt ?? metadata.creationTimestamp ?? now.toISOString());
    // A platform Scorecard may score every namespace; an Initiative outside the listed
    // namespaces follows (and reminds, and notifies the owners of) its own namespace's entities only.
    const entries = this.world.book.scoresOf(scorecardKey).flatMap(({ ref, score }): InitiativeEntity[] => {
      const entity = this.world.graph.get(ref);
      return entity && inScope(metadata.namespace, entity.namespace, this.world.clusterScorecardNamespaces)
        ? [{ entity, owner: String(entity.spec.owner ?? ''), ...score }]
        : [];
    });
    const progress = initiativeProgress(
      spec,
      scorecard.levels.map((l) => l.name),
      entries,
      now,
      startedAt,
    );
    const memory = `${metadata.uid}|${spec.deadline}`;
    const last = this.announced.get(memory) ?? initiative.status?.lastMilestone;
    const milestone = progress.phase === 'Achieved' ? undefined : milestoneDue(deadline, now, last);
    await this.writeIfChanged(
      initiative,
      initiativeStatus(initiative.status, generation, progress, deadline, startedAt, milestone ?? last, now),
    );
    if (milestone) {
      // Remembered once stored and before anything is announced: a reconcile that still sees
      // the old status (or a retry after a failed Event) announces nothing twice.
      this.announced.set(memory, milestone);
      await this.remindBehind(initiative, milestone, progress, deadline, now);
      this.world.notifications.initiativeMilestone(initiative, milestone, progress, scorecard.title);
    }
    return { requeueAfter: RECHECK_MS };
  }

  private async writeIfChanged(initiative: InitiativeObject, status: object): Promise<void> {
    if (!sameStatus(fieldsOf(initiative.status, INITIATIVE_STATUS_FIELDS), status))
      await this.world.writeInitiativeStatus(initiative, status);
  }

  private async remindBehind(
    initiative: InitiativeObject,
    milestone: string,
    progress: InitiativeProgress,
    deadline: Date,
    now: Date,
  ): Promise<void> {
    const days = Math.max(0, Math.ceil((deadline.getTime() - now.getTime()) / 86_400_000));
    const title = initiative.spec.title ?? initiative.metadata.name;
    for (const ref of progress.behind.slice(0, MAX_EVENTS)) {
      const entity = this.world.graph.get(ref);
      if (entity)
        await this.world.recordBehind(
          entity,
          `${title}: not at target yet, ${days === 0 ? 'due now' : `due in ${days} days`} (milestone ${milestone})`,
        );
    }
  }
}
