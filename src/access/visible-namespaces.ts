/**
 * A person's Visibility for one request, asked of the apiserver (through the cached
 * AccessReviews) before anything renders: per resource held in several namespaces,
 * cluster-wide first — a cluster-wide `list` covers every namespace — and only where that is
 * denied, each namespace that holds something of it. Never per entity.
 */
import type { AccessReviews, Subject } from './reviews.ts';
import type { PresentNamespaces } from './present.ts';
import { PORTAL_RESOURCES } from './resources.ts';
import { visibilityFrom, type Grant, type Visibility } from './visibility.ts';

/** Reviews one request sends at once on a cold cache, so a person in many namespaces does not flood the apiserver. */
const CONCURRENT_REVIEWS = 16;

async function inBatches<T>(items: readonly T[], each: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await each(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENT_REVIEWS, items.length) }, worker));
}

/**
 * Whether the subject may `list` each portal resource, cluster-wide or in the namespaces
 * present. `list`, not `get`: every page that shows an object also lists its neighbours, and
 * a list reveals every name; a Role that grants `get` alone (for example on resourceNames)
 * shows nothing here.
 */
export async function visibilityFor(reviews: AccessReviews, subject: Subject, present: PresentNamespaces): Promise<Visibility> {
  return fromCachedAnswers(reviews, subject, present) ?? (await asking(reviews, subject, present));
}

/**
 * The Visibility from cached answers alone, or undefined when one it needs is not cached: a
 * person who keeps reading has every answer cached (renewed behind them), and deciding their
 * request then takes no promise or microtask per question.
 */
function fromCachedAnswers(reviews: AccessReviews, subject: Subject, present: PresentNamespaces): Visibility | undefined {
  const grants = new Map<string, Grant>();
  for (const resource of PORTAL_RESOURCES) {
    const namespaces = present.get(resource);
    if (!namespaces || namespaces.size === 0) continue;
    if (namespaces.size > 1) {
      const everywhere = reviews.known(subject, { verb: 'list', resource, namespace: '' });
      if (everywhere === undefined) return undefined;
      if (everywhere) {
        grants.set(resource, 'all');
        continue;
      }
    }
    const granted = new Set<string>();
    for (const namespace of namespaces) {
      const allowed = reviews.known(subject, { verb: 'list', resource, namespace });
      if (allowed === undefined) return undefined;
      if (allowed) granted.add(namespace);
    }
    if (granted.size > 0) grants.set(resource, granted);
  }
  return visibilityFrom(grants, PORTAL_RESOURCES);
}

/** The Visibility by asking (cached answers, reviews under way, or new reviews), a bounded number at once. */
async function asking(reviews: AccessReviews, subject: Subject, present: PresentNamespaces): Promise<Visibility> {
  const grants = new Map<string, Grant>();
  const narrower: { resource: string; namespace: string }[] = [];
  await inBatches(PORTAL_RESOURCES, async (resource) => {
    const namespaces = present.get(resource) ?? new Set<string>();
    // Nothing of it anywhere: nothing to see, so nothing to ask. In one namespace, the question
    // for that namespace alone decides (a cluster-wide grant allows it too); only across
    // namespaces does one cluster-wide question save the others. In a one-namespace install
    // this halves the reviews a person costs, and so their background renewals.
    if (namespaces.size === 0) return;
    if (namespaces.size > 1 && (await reviews.allowed(subject, { verb: 'list', resource, namespace: '' }))) grants.set(resource, 'all');
    else for (const namespace of namespaces) narrower.push({ resource, namespace });
  });
  const granted = new Map<string, Set<string>>();
  await inBatches(narrower, async ({ resource, namespace }) => {
    if (!(await reviews.allowed(subject, { verb: 'list', resource, namespace }))) return;
    let namespaces = granted.get(resource);
    if (!namespaces) granted.set(resource, (namespaces = new Set()));
    namespaces.add(namespace);
  });
  for (const [resource, namespaces] of granted) grants.set(resource, namespaces);
  return visibilityFrom(grants, PORTAL_RESOURCES);
}

/**
 * Each subject's Visibility over the same present namespaces, all at once: what a burst of
 * distinct people costs the access layer (the benchmark's hook, bench/access.ts).
 */
export function visibilitiesFor(reviews: AccessReviews, subjects: readonly Subject[], present: PresentNamespaces): Promise<Visibility[]> {
  return Promise.all(subjects.map((subject) => visibilityFor(reviews, subject, present)));
}
