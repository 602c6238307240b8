import type { Execution } from './decide.ts';
import { JOB_CONDITION } from './reasons.ts';

interface JobCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export interface JobLike {
  metadata: { name: string; namespace: string; ownerReferences?: { uid: string; kind: string; name: string }[] };
  status?: { conditions?: JobCondition[]; completionTime?: string; failed?: number };
}

/** A Job's state as a run sees it: Complete and Failed are the Job's final conditions. */
export function jobExecution(job: Pick<JobLike, 'status'>): Execution {
  const conditions = job.status?.conditions ?? [];
  const isTrue = (type: string) => conditions.find((c) => c.type === type && c.status === 'True');
  if (isTrue(JOB_CONDITION.Complete)) return { state: 'succeeded', at: job.status?.completionTime };
  const failed = isTrue(JOB_CONDITION.Failed);
  if (failed) {
    const why = [failed.reason, failed.message].filter(Boolean).join(': ');
    return { state: 'failed', message: `the scaffolding Job failed${why ? ` (${why})` : ''}`, at: failed.lastTransitionTime };
  }
  return { state: 'running' };
}
