/**
 * The Sources pages: every CatalogSource the person may see, how it is doing (state, what the
 * last sync did, what could not be converted) and the entities it holds. Pure: the models are
 * made from the informer's objects and the person's view of the catalog.
 */
import { SOURCE_LABEL } from '../../api/v1alpha1/catalog-source.ts';
import type { CatalogSourceObject, CatalogSourceStore } from '../../api/objects.ts';
import type { Condition } from '../../api/v1alpha1/index.ts';
import type { CatalogView } from '../../catalog/view.ts';
import { redactUrl } from '../../git/git-cli.ts';
import { shortRevision, when } from './format.ts';
import { card, type Card, type EntityOrigin } from './pages.ts';

/** How many of a source's entities its page lists; the rest are counted. */
export const LISTED_ENTITIES = 200;

/** The Sources page of one CatalogSource. */
export const sourceHref = (namespace: string, name: string): string =>
  `/sources/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;

type Provider = 'git' | 'kubernetes' | 'ldap';

const providerOf = (s: CatalogSourceObject): Provider => (s.spec.git ? 'git' : s.spec.kubernetes ? 'kubernetes' : 'ldap');

/** Where a source reads from, as one line; userinfo written into a URL is hidden. */
function originOf(s: CatalogSourceObject): string {
  const { git, kubernetes, ldap } = s.spec;
  if (git) return `${redactUrl(git.url)} @ ${git.ref ?? 'main'} · ${(git.paths ?? ['**/catalog-info.yaml']).join(', ')}`;
  if (kubernetes) {
    const namespaces = kubernetes.namespaces?.length ? kubernetes.namespaces : [s.metadata.namespace];
    const selector = Object.entries(kubernetes.selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
    const expressions = kubernetes.selector?.matchExpressions?.length ?? 0;
    const selected = [...selector, ...(expressions ? [`${expressions} label expressions`] : [])];
    return `workloads in ${namespaces.join(', ')}${selected.length ? ` matching ${selected.join(', ')}` : ''}`;
  }
  return ldap ? `${redactUrl(ldap.url)} · users ${ldap.users.baseDn} · groups ${ldap.groups.baseDn}` : '';
}

const condition = (s: CatalogSourceObject, type: string): Condition | undefined => s.status?.conditions?.find((c) => c.type === type);

export type SourceState = 'Suspended' | 'Pending' | 'Syncing' | 'Failing' | 'Synced';

/**
 * The state a reader tells apart: Suspended (nothing checked), Pending (never synced),
 * Syncing (its spec changed or a sync was asked for, and the check is not in yet), Failing
 * (the latest check failed; the catalog keeps the last sync, if there was one), Synced.
 */
export function sourceState(s: CatalogSourceObject): { state: SourceState; className: 'ok' | 'bad' | 'wait' } {
  if (s.spec.suspend) return { state: 'Suspended', className: 'wait' };
  const synced = condition(s, 'Synced');
  const observed = s.status?.observedGeneration;
  if (!synced || observed === undefined) return { state: 'Pending', className: 'wait' };
  if (observed < (s.metadata.generation ?? 1)) return { state: 'Syncing', className: 'wait' };
  return synced.status === 'True' ? { state: 'Synced', className: 'ok' } : { state: 'Failing', className: 'bad' };
}

/** One row of the Sources list. */
function sourceSummary(s: CatalogSourceObject) {
  const { namespace, name } = s.metadata;
  const status = s.status;
  const conflicts = condition(s, 'Conflicting');
  const synced = condition(s, 'Synced');
  return {
    namespace,
    name,
    href: sourceHref(namespace, name),
    provider: providerOf(s),
    origin: originOf(s),
    ...sourceState(s),
    interval: s.spec.interval ?? '5m',
    entities: status?.counts?.entities,
    counts: status?.counts,
    revision: status?.revision ? shortRevision(status.revision) : undefined,
    lastSync: when(status?.lastSyncTime),
    lastCheck: when(status?.lastCheckTime),
    problemCount: status?.problemCount ?? status?.problems?.length ?? 0,
    conflicts: conflicts?.status === 'True' ? conflicts.message : undefined,
    message: synced && synced.status !== 'True' ? { reason: synced.reason, text: redactUrl(synced.message) } : undefined,
  };
}

export type SourceSummary = ReturnType<typeof sourceSummary>;

const byPlace = (a: CatalogSourceObject, b: CatalogSourceObject): number =>
  a.metadata.namespace.localeCompare(b.metadata.namespace) || a.metadata.name.localeCompare(b.metadata.name);

/** The Sources list: failing sources first (they need someone), then by namespace and name. */
export function sourcesPage(store: CatalogSourceStore) {
  const rank = { Failing: 0, Pending: 1, Syncing: 1, Suspended: 2, Synced: 3 } as const;
  const sources = [...store.sources()]
    .sort(byPlace)
    .map(sourceSummary)
    .sort((a, b) => rank[a.state] - rank[b.state]);
  const failing = sources.filter((s) => s.state === 'Failing').length;
  return { total: sources.length, failing, sources };
}

const findSource = (store: CatalogSourceStore, namespace: string, name: string): CatalogSourceObject | undefined =>
  store.sources().find((s) => s.metadata.namespace === namespace && s.metadata.name === name);

/** The entities of the person's view a source holds, in catalog order (the first LISTED_ENTITIES). */
function heldEntities(catalog: CatalogView, namespace: string, name: string): { cards: Card[]; total: number } {
  const cards: Card[] = [];
  let total = 0;
  for (const entity of catalog.sortedEntities()) {
    if (entity.namespace !== namespace || entity.labels[SOURCE_LABEL] !== name) continue;
    total += 1;
    if (cards.length < LISTED_ENTITIES) cards.push(card(entity, catalog));
  }
  return { cards, total };
}

/** One source's page; none for a source that is missing or hidden from the person. */
export function sourcePage(store: CatalogSourceStore, catalog: CatalogView, namespace: string, name: string) {
  const source = findSource(store, namespace, name);
  if (!source) return undefined;
  const problems = (source.status?.problems ?? []).map((p) => ({ ...p, reason: redactUrl(p.reason) }));
  return {
    source: sourceSummary(source),
    suspended: source.spec.suspend === true,
    problems,
    moreProblems: Math.max(0, (source.status?.problemCount ?? problems.length) - problems.length),
    held: heldEntities(catalog, namespace, name),
  };
}

/** The origin line of an entity page, with a link to its source's page and the commit it was read at. */
export interface SourcedOrigin extends EntityOrigin {
  /** The source's page, when the person may see the source. */
  sourceHref: string | undefined;
  /** The git commit the source last synced (the entity is as that commit has it). */
  commit: string | undefined;
}

/** Completes an entity's origin with its source, if the person may see that source. */
export function sourcedOrigin(origin: EntityOrigin | undefined, store: CatalogSourceStore, namespace: string): SourcedOrigin | undefined {
  if (!origin) return undefined;
  const source = findSource(store, namespace, origin.source);
  const revision = source?.spec.git ? source.status?.revision : undefined;
  return {
    ...origin,
    sourceHref: source ? sourceHref(namespace, origin.source) : undefined,
    commit: revision ? shortRevision(revision) : undefined,
  };
}
