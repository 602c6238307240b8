import { join } from 'node:path';
import type { KubernetesObject } from '@kubernetes/client-node';
import { readManifests } from '../kube/apply.ts';

/** How far ahead the demo's sample initiatives are due. */
export const DEMO_DEADLINE_DAYS = 60;

/**
 * The manifests with every Initiative due {@link DEMO_DEADLINE_DAYS} days from `now`: a
 * fixed date in the sample would turn the demo's initiative Missed once it passed.
 */
export function withDeadlinesFrom(now: Date, objects: KubernetesObject[]): KubernetesObject[] {
  const deadline = new Date(now.getTime() + DEMO_DEADLINE_DAYS * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return objects.map((o) =>
    o.kind === 'Initiative' ? ({ ...o, spec: { ...(o as { spec?: object }).spec, deadline } } as KubernetesObject) : o,
  );
}

/** examples/scorecards as the demo applies it: the sample scorecard, and its initiative due from now. */
export async function sampleScorecards(root: string, now: Date): Promise<KubernetesObject[]> {
  return withDeadlinesFrom(now, await readManifests(join(root, 'examples', 'scorecards')));
}
