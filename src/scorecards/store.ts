import type { z } from 'zod';
import type { initiativeStatus } from '../api/v1alpha1/initiative.ts';
import type { scorecardStatus } from '../api/v1alpha1/scorecard.ts';
import type { ObjectMeta } from '../api/objects.ts';
import type { InitiativeSpec, ScorecardSpec } from './types.ts';

export type ScorecardStatus = z.infer<typeof scorecardStatus>;
export type InitiativeStatus = z.infer<typeof initiativeStatus>;

/** A Scorecard as the informer holds it. */
export interface ScorecardObject {
  apiVersion?: string;
  kind?: 'Scorecard';
  metadata: ObjectMeta;
  spec: ScorecardSpec;
  status?: ScorecardStatus;
}

/** An Initiative as the informer holds it. */
export interface InitiativeObject {
  apiVersion?: string;
  kind?: 'Initiative';
  metadata: ObjectMeta;
  spec: InitiativeSpec;
  status?: InitiativeStatus;
}

/** What the dashboard reads about scorecards and initiatives: the operator's informer caches. */
export interface ScorecardStore {
  scorecards(): ScorecardObject[];
  initiatives(): InitiativeObject[];
}

/** The Scorecard an Initiative follows, as namespace/name: a bare name is one in the Initiative's namespace. */
export function initiativeScorecardKey(i: InitiativeObject): string {
  return i.spec.scorecard.includes('/') ? i.spec.scorecard : `${i.metadata.namespace}/${i.spec.scorecard}`;
}
