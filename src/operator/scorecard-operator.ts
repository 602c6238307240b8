import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { Gauge, type Registry } from 'prom-client';
import { API_VERSION, CATALOG_KINDS, catalogKind } from '../api/v1alpha1/index.ts';
import type { Entity } from '../catalog/entity.ts';
import type { CatalogGraph } from '../catalog/graph.ts';
import { refOf } from '../catalog/refs.ts';
import { initiativeStatus, sameResults, scorecardStatus } from '../controllers/scorecard/decide.ts';
import { eventRecorder, type EventRecorder } from '../kube/events.ts';
import { KubeApiError, RawKubeClient } from '../kube/raw-client.ts';
import { applyStatus } from '../kube/status-writer.ts';
import type { Logger } from '../observability/logger.ts';
import { Informer } from '../runtime/informer.ts';
import { WorkQueue, type WorkResult } from '../runtime/work-queue.ts';
import { compileRules, type CompiledRule } from '../scorecards/cel.ts';
import { scoreEntity, summarise, type EntityScore } from '../scorecards/evaluate.ts';
import { BACKSTAGE_ID_LABEL, bindsTo, COMPONENT_LABEL, factsFor, type PdbObject, type WorkloadObject } from '../scorecards/facts.ts';
import { initiativeProgress, milestoneDue } from '../scorecards/initiative.ts';
import { matches } from '../scorecards/select.ts';
import type { InitiativeSpec, InvalidRule, ScorecardResult, ScorecardSpec } from '../scorecards/types.ts';
import type { ScorecardStore } from '../scorecards/store.ts';
import { refreshIntervalMs } from '../controllers/doc-source/decide.ts';
import { formatRef, parseRef } from '../catalog/refs.ts';
import type { Notifier } from '../scorecards/notify.ts';
import { initiativeReminderMessage, levelDropMessage } from '../scorecards/slack.ts';
import type { ObjectMeta } from '../templates/objects.ts';

/** On a Group (or User): where its notifications go, a Slack-compatible incoming webhook. */
export const WEBHOOK_ANNOTATION = 'greenroom.dev/webhook-url';

/** Field manager of entities' status.scorecards: apart from the catalog's, so neither removes the other's fields. */
export const SCORECARD_FIELD_MANAGER = 'greenroom-scorecards';

interface ScorecardObject { metadata: ObjectMeta; spec: ScorecardSpec; status?: { conditions?: never[] } }
interface InitiativeObject { metadata: ObjectMeta; spec: InitiativeSpec; status?: Parameters<typeof initiativeStatus>[0] }
interface Compiled { generation: number; compiled: Map<string, CompiledRule>; invalid: InvalidRule[] }

export interface ScorecardOperatorOptions {
  kubeConfig: KubeConfig;
  logger: Logger;
  registry: Registry;
  namespace?: string | undefined;
  isLeader: () => boolean;
  graph: CatalogGraph;
  /** Sends level drops and initiative reminders to the owners' webhooks; none are sent without it. */
  notifier?: Notifier;
  /** The dashboard's external URL, for links in notifications. */
  dashboardUrl?: string;
  now?: () => Date;
  informerTimings?: { silenceTimeoutMs?: number; relistIntervalMs?: number };
}

const key = (o: { metadata?: { namespace?: string; name?: string } }): string => `${o.metadata!.namespace}/${o.metadata!.name}`;

/**
 * Scorecards and initiatives: evaluates each entity against the scorecards that select it
 * (CEL over the entity and runtime facts from its Deployments and StatefulSets) when the
 * entity, a scorecard or a workload changes and on each scorecard's interval, writes the
 * results to the entity's status.scorecards and a summary to the Scorecard, and follows
 * each Initiative's progress, phase and milestones.
 */
export class ScorecardOperator {
  private readonly options: ScorecardOperatorOptions;
  private readonly log: Logger;
  private readonly client: RawKubeClient;
  private readonly scorecards: Informer<KubernetesObject>;
  private readonly initiatives: Informer<KubernetesObject>;
  private readonly workloads: Informer<KubernetesObject>[] = [];
  private readonly pdbs: Informer<KubernetesObject>;
  private readonly queue: WorkQueue;
  private readonly record: EventRecorder;
  private readonly compiled = new Map<string, Compiled>();
  /** entity ref → scorecard key → its latest score. */
  private readonly results = new Map<string, Map<string, EntityScore>>();
  private readonly nextFullEvaluation = new Map<string, number>();
  /**
   * What the dashboard reads: scorecards and initiatives as the informers hold them. A
   * property rather than methods of the class because `scorecards` and `initiatives` name
   * the informers.
   */
  readonly store: ScorecardStore = {
    scorecards: () => this.scorecards.list() as unknown as ReturnType<ScorecardStore['scorecards']>,
    initiatives: () => this.initiatives.list() as unknown as ReturnType<ScorecardStore['initiatives']>,
  };

  constructor(options: ScorecardOperatorOptions) {
    this.options = options;
    this.log = options.logger.child({ component: 'scorecards' });
    this.client = new RawKubeClient(options.kubeConfig);
    const scope = options.namespace ? `namespaces/${options.namespace}/` : '';
    const informer = (name: string, path: string, labelSelector?: string) =>
      new Informer<KubernetesObject>({ kubeConfig: options.kubeConfig, path, name, logger: this.log, registry: options.registry, ...(labelSelector ? { labelSelector } : {}), ...options.informerTimings });
    this.scorecards = informer('scorecard', `/apis/${API_VERSION}/${scope}scorecards`);
    this.initiatives = informer('initiative', `/apis/${API_VERSION}/${scope}initiatives`);
    // Only workloads that name an entity, by either label convention.
    for (const resource of ['deployments', 'statefulsets']) {
      for (const label of [COMPONENT_LABEL, BACKSTAGE_ID_LABEL]) this.workloads.push(informer(`${resource}-${label}`, `/apis/apps/v1/${scope}${resource}`, label));
    }
    this.pdbs = informer('poddisruptionbudget', `/apis/policy/v1/${scope}poddisruptionbudgets`);
    this.queue = new WorkQueue({ name: 'scorecards', logger: this.log, registry: options.registry });
    this.record = eventRecorder(this.client, (error) => this.log.warn({ err: error }, 'could not record an event'));
    this.wire();
    this.registerMetrics(options.registry);
  }

  private wire(): void {
    const scorecardChanged = (o: KubernetesObject) => this.queue.add(`s|${key(o)}`);
    this.scorecards.on('add', scorecardChanged);
    this.scorecards.on('update', scorecardChanged);
    this.scorecards.on('delete', scorecardChanged);
    const initiativeChanged = (o: KubernetesObject) => this.queue.add(`i|${key(o)}`);
    this.initiatives.on('add', initiativeChanged);
    this.initiatives.on('update', initiativeChanged);
    const workloadChanged = (o: KubernetesObject) => this.enqueueBound(o.metadata!.namespace!, bindsTo(o as unknown as WorkloadObject));
    for (const w of this.workloads) for (const event of ['add', 'update', 'delete'] as const) w.on(event, workloadChanged);
    const pdbChanged = (o: KubernetesObject) => {
      for (const w of this.workloadsIn(o.metadata!.namespace!)) this.enqueueBound(o.metadata!.namespace!, bindsTo(w));
    };
    for (const event of ['add', 'update', 'delete'] as const) this.pdbs.on(event, pdbChanged);
  }

  /** The catalog tells this of every entity change (and removal). */
  entityChanged(ref: string): void {
    this.queue.add(`e|${ref}`);
  }

  private enqueueBound(namespace: string, name: string | undefined): void {
    if (!name) return;
    for (const kind of CATALOG_KINDS) {
      const ref = refOf(kind.kind, namespace, name);
      if (this.options.graph.get(ref)) this.queue.add(`e|${ref}`);
    }
  }

  private workloadsIn(namespace: string): WorkloadObject[] {
    const seen = new Set<string>();
    const out: WorkloadObject[] = [];
    this.workloads.forEach((informer, index) => {
      for (const o of informer.list(namespace)) {
        const kind = index < 2 ? 'Deployment' : 'StatefulSet';
        if (seen.has(`${kind}/${o.metadata!.name}`)) continue;
        seen.add(`${kind}/${o.metadata!.name}`);
        // Items of a list carry no kind; the informer says which resource they are.
        out.push({ ...(o as unknown as WorkloadObject), kind });
      }
    });
    return out;
  }

  hasSynced(): boolean {
    return [this.scorecards, this.initiatives, this.pdbs, ...this.workloads].every((i) => i.hasSynced());
  }

  async start(): Promise<void> {
    await Promise.all([this.scorecards, this.initiatives, this.pdbs, ...this.workloads].map((i) => i.start()));
    this.queue.run((k) => this.work(k), 2);
    this.enqueueAll();
  }

  enqueueAll(): void {
    for (const s of this.scorecards.list()) this.queue.add(`s|${key(s)}`);
    for (const i of this.initiatives.list()) this.queue.add(`i|${key(i)}`);
  }

  async stop(): Promise<void> {
    await Promise.all([...[this.scorecards, this.initiatives, this.pdbs, ...this.workloads].map((i) => i.stop()), this.queue.shutdown()]);
    await this.options.notifier?.stop();
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  private async work(item: string): Promise<WorkResult> {
    if (!this.options.isLeader()) return 'done';
    const [type, id] = [item.slice(0, 1), item.slice(2)];
    if (type === 'e') return this.evaluateEntity(id);
    if (type === 's') return this.reconcileScorecard(id);
    return this.reconcileInitiative(id);
  }

  private scorecardOf(k: string): ScorecardObject | undefined {
    const [namespace, name] = k.split('/') as [string, string];
    return this.scorecards.get(namespace, name) as unknown as ScorecardObject | undefined;
  }

  /** Scores one entity against every scorecard that selects it, and writes what changed. */
  private async evaluateEntity(ref: string): Promise<WorkResult> {
    const entity = this.options.graph.get(ref);
    const before = this.results.get(ref) ?? new Map<string, EntityScore>();
    const after = new Map<string, EntityScore>();
    if (entity) {
      const facts = factsFor(entity, this.workloadsIn(entity.namespace).filter((w) => bindsTo(w) === entity.name), this.pdbs.list(entity.namespace) as unknown as PdbObject[]);
      for (const s of this.scorecards.list()) {
        const sc = s as unknown as ScorecardObject;
        const compiled = this.compiled.get(key(s));
        if (!compiled || !matches(sc.spec.selector, entity)) continue;
        after.set(key(s), scoreEntity(sc.spec, compiled.compiled, entity, facts, this.now(), key(s)));
      }
    }
    if (after.size > 0) this.results.set(ref, after);
    else this.results.delete(ref);
    for (const k of new Set([...before.keys(), ...after.keys()])) this.queue.addAfter(`s|${k}`, 500);
    if (!entity) return 'done';
    const results: ScorecardResult[] = [...after.values()].map((s) => s.result).sort((a, b) => a.scorecard.localeCompare(b.scorecard));
    const current = (entity.status as { scorecards?: ScorecardResult[] } | undefined)?.scorecards;
    if (sameResults(current, results)) return 'done';
    try {
      await applyStatus(this.client, { kind: entity.kind, plural: catalogKind(entity.kind)!.plural }, entity.namespace, entity.name, { scorecards: results }, SCORECARD_FIELD_MANAGER);
    } catch (error) {
      if (error instanceof KubeApiError && error.code === 404) return 'done';
      throw error;
    }
    // Announced only once the new level is stored: a restart then never announces it again.
    for (const result of results) {
      const before = current?.find((c) => c.scorecard === result.scorecard);
      if (before && this.levelIndex(result.scorecard, result.level) < this.levelIndex(result.scorecard, before.level)) this.announceDrop(entity, result, before.level);
    }
    return 'done';
  }

  private levelIndex(scorecardKey: string, level: string): number {
    return this.scorecardOf(scorecardKey)?.spec.levels.findIndex((l) => l.name === level) ?? -1;
  }

  /** The webhook of an owner (a Group or User with the annotation), if it has one. */
  private webhookOf(owner: unknown, namespace: string): { ref: string; url: string } | undefined {
    if (typeof owner !== 'string') return undefined;
    const parsed = parseRef(owner, { defaultKind: 'Group', namespace });
    if ('error' in parsed) return undefined;
    const ref = formatRef(parsed);
    const url = this.options.graph.get(ref)?.annotations[WEBHOOK_ANNOTATION];
    return url ? { ref, url } : undefined;
  }

  private link(path: string): string | undefined {
    return this.options.dashboardUrl ? `${this.options.dashboardUrl.replace(/\/$/, '')}${path}` : undefined;
  }

  private announceDrop(entity: Entity, result: ScorecardResult, from: string): void {
    const hook = this.options.notifier && this.webhookOf(entity.spec.owner, entity.namespace);
    if (!hook) return;
    const sc = this.scorecardOf(result.scorecard);
    const dashboardUrl = this.link(`/catalog/${entity.kind.toLowerCase()}/${entity.namespace}/${entity.name}`);
    this.options.notifier!.send({
      key: `drop|${result.scorecard}|${entity.ref}|${from}>${result.level}|${result.evaluatedAt}`,
      url: hook.url,
      payload: levelDropMessage({
        entityRef: entity.ref,
        ...(typeof entity.spec.title === 'string' ? { entityTitle: entity.spec.title } : {}),
        owner: hook.ref,
        scorecard: result.scorecard,
        ...(sc?.spec.title ? { scorecardTitle: sc.spec.title } : {}),
        from,
        to: result.level,
        failing: result.failing.map((f) => ({ rule: f.rule, message: f.message })),
        ...(dashboardUrl ? { dashboardUrl } : {}),
      }),
    });
  }

  /** Compiles a changed Scorecard, re-evaluates what it selects when due, and writes its summary. */
  private async reconcileScorecard(k: string): Promise<WorkResult> {
    const sc = this.scorecardOf(k);
    const entitiesWithResults = () => [...this.results].filter(([, m]) => m.has(k)).map(([ref]) => ref);
    if (!sc) {
      this.compiled.delete(k);
      this.nextFullEvaluation.delete(k);
      for (const ref of entitiesWithResults()) this.queue.add(`e|${ref}`);
      return 'done';
    }
    const generation = sc.metadata.generation ?? 1;
    const now = this.now();
    const interval = refreshIntervalMs(sc.spec.evaluationInterval ?? '5m');
    if (this.compiled.get(k)?.generation !== generation) {
      this.compiled.set(k, { generation, ...compileRules(sc.spec.rules, sc.spec.levels.map((l) => l.name)) });
      this.nextFullEvaluation.set(k, 0);
    }
    // Time-based facts and exemptions change without any event: look again on the interval.
    if ((this.nextFullEvaluation.get(k) ?? 0) <= now.getTime()) {
      this.nextFullEvaluation.set(k, now.getTime() + interval);
      for (const entity of this.options.graph.all()) if (matches(sc.spec.selector, entity)) this.queue.add(`e|${entity.ref}`);
      for (const ref of entitiesWithResults()) this.queue.add(`e|${ref}`);
    }
    const scores = [...this.results.values()].map((m) => m.get(k)).filter((s): s is EntityScore => Boolean(s));
    const status = scorecardStatus(sc.status?.conditions, generation, summarise(sc.spec.levels, scores), this.compiled.get(k)!.invalid, now);
    const current = sc.status as Record<string, unknown> | undefined;
    const { conditions: _c, ...rest } = status;
    const unchanged = current && JSON.stringify(Object.fromEntries(Object.keys(rest).map((f) => [f, current[f] ?? (f === 'invalidRules' ? [] : undefined)]))) === JSON.stringify(rest)
      && JSON.stringify((current.conditions as { status: string; message: string }[] | undefined)?.map((c) => [c.status, c.message])) === JSON.stringify(status.conditions.map((c) => [c.status, c.message]));
    if (!unchanged) await applyStatus(this.client, { kind: 'Scorecard', plural: 'scorecards' }, sc.metadata.namespace, sc.metadata.name, status);
    for (const i of this.initiatives.list()) if (this.scorecardKeyOf(i as unknown as InitiativeObject) === k) this.queue.addAfter(`i|${key(i)}`, 500);
    return { requeueAfter: Math.max(1_000, (this.nextFullEvaluation.get(k) ?? now.getTime() + interval) - now.getTime()) };
  }

  private scorecardKeyOf(i: InitiativeObject): string {
    return i.spec.scorecard.includes('/') ? i.spec.scorecard : `${i.metadata.namespace}/${i.spec.scorecard}`;
  }

  /** Progress, phase and milestones of an Initiative; a reminder Event on each entity behind at a milestone. */
  private async reconcileInitiative(k: string): Promise<WorkResult> {
    const [namespace, name] = k.split('/') as [string, string];
    const initiative = this.initiatives.get(namespace, name) as unknown as InitiativeObject | undefined;
    if (!initiative) return 'done';
    const scorecardKey = this.scorecardKeyOf(initiative);
    const sc = this.scorecardOf(scorecardKey);
    const now = this.now();
    const deadline = new Date(initiative.spec.deadline);
    const startedAt = new Date(initiative.status?.startedAt ?? initiative.metadata.creationTimestamp ?? now.toISOString());
    const entries = [...this.results].flatMap(([ref, m]) => {
      const score = m.get(scorecardKey);
      const entity = this.options.graph.get(ref);
      return score && entity ? [{ entity, owner: String(entity.spec.owner ?? ''), ...score }] : [];
    });
    const progress = initiativeProgress(initiative.spec, sc?.spec.levels.map((l) => l.name) ?? [], entries, now, startedAt);
    const milestone = progress.phase === 'Achieved' ? undefined : milestoneDue(deadline, now, initiative.status?.lastMilestone);
    const status = initiativeStatus(initiative.status, initiative.metadata.generation ?? 1, progress, deadline, startedAt, milestone, now);
    await applyStatus(this.client, { kind: 'Initiative', plural: 'initiatives' }, namespace, name, status);
    if (milestone) {
      await this.remind(initiative, milestone, progress.behind, deadline, now);
      this.announceReminders(initiative, k, milestone, progress, sc?.spec.title);
    }
    return { requeueAfter: 3_600_000 };
  }

  /** One reminder per owner with entities behind, to the owner's webhook. */
  private announceReminders(initiative: InitiativeObject, k: string, milestone: string, progress: { atTarget: number; total: number; behind: string[] }, scorecardTitle: string | undefined): void {
    if (!this.options.notifier) return;
    const byOwner = new Map<string, { url: string; behind: { ref: string; title?: string }[] }>();
    for (const ref of progress.behind) {
      const entity = this.options.graph.get(ref);
      const hook = entity && this.webhookOf(entity.spec.owner, entity.namespace);
      if (!hook) continue;
      const entry = byOwner.get(hook.ref) ?? { url: hook.url, behind: [] };
      entry.behind.push({ ref, ...(typeof entity.spec.title === 'string' ? { title: entity.spec.title } : {}) });
      byOwner.set(hook.ref, entry);
    }
    const dashboardUrl = this.link(`/initiatives/${initiative.metadata.namespace}/${initiative.metadata.name}`);
    for (const [owner, { url, behind }] of byOwner) {
      this.options.notifier.send({
        key: `remind|${k}|${milestone}|${owner}`,
        url,
        payload: initiativeReminderMessage({
          initiative: k,
          title: initiative.spec.title ?? scorecardTitle ?? initiative.metadata.name,
          owner,
          deadline: initiative.spec.deadline,
          milestone,
          behind,
          atTarget: progress.atTarget,
          total: progress.total,
          ...(initiative.spec.targetLevel ? { target: initiative.spec.targetLevel } : {}),
          ...(dashboardUrl ? { dashboardUrl } : {}),
        }),
      });
    }
  }

  private async remind(initiative: InitiativeObject, milestone: string, behind: string[], deadline: Date, now: Date): Promise<void> {
    const days = Math.max(0, Math.ceil((deadline.getTime() - now.getTime()) / 86_400_000));
    const title = initiative.spec.title ?? initiative.metadata.name;
    for (const ref of behind.slice(0, 100)) {
      const entity = this.options.graph.get(ref);
      if (!entity) continue;
      await this.record(
        { apiVersion: API_VERSION, kind: catalogKind(entity.kind)!.kind, namespace: entity.namespace, name: entity.name, uid: entity.uid },
        { type: 'Warning', reason: 'InitiativeBehind', message: `${title}: not at target yet, ${days === 0 ? 'due now' : `due in ${days} days`} (milestone ${milestone})` },
      );
    }
  }

  /** Gauges computed from memory when scraped. */
  private registerMetrics(registry: Registry): void {
    for (const name of ['greenroom_scorecard_level', 'greenroom_scorecard_score', 'greenroom_scorecard_failing_rules', 'greenroom_initiative_progress']) {
      if (registry.getSingleMetric(name)) registry.removeSingleMetric(name);
    }
    const results = this.results;
    const scorecardOf = (k: string) => this.scorecardOf(k);
    const ownerOf = (ref: string) => String(this.options.graph.get(ref)?.spec.owner ?? '');
    const each = (fn: (ref: string, scorecard: string, score: EntityScore) => void) => {
      for (const [ref, m] of results) for (const [k, score] of m) fn(ref, k, score);
    };
    new Gauge({
      name: 'greenroom_scorecard_level', help: 'Level reached per scorecard and entity: 0 none, 1 the first level, …', labelNames: ['scorecard', 'entity', 'owner'], registers: [registry],
      collect() {
        this.reset();
        each((ref, k, s) => this.set({ scorecard: k, entity: ref, owner: ownerOf(ref) }, (scorecardOf(k)?.spec.levels.findIndex((l) => l.name === s.result.level) ?? -1) + 1));
      },
    });
    new Gauge({
      name: 'greenroom_scorecard_score', help: 'Weighted share of passing rules (0-100) per scorecard and entity.', labelNames: ['scorecard', 'entity', 'owner'], registers: [registry],
      collect() {
        this.reset();
        each((ref, k, s) => this.set({ scorecard: k, entity: ref, owner: ownerOf(ref) }, s.result.score));
      },
    });
    new Gauge({
      name: 'greenroom_scorecard_failing_rules', help: 'Failing rules per scorecard and entity.', labelNames: ['scorecard', 'entity', 'owner'], registers: [registry],
      collect() {
        this.reset();
        each((ref, k, s) => this.set({ scorecard: k, entity: ref, owner: ownerOf(ref) }, s.result.failing.length));
      },
    });
    const initiatives = this.initiatives;
    new Gauge({
      name: 'greenroom_initiative_progress', help: 'Share of entities at target (0-1) per initiative.', labelNames: ['initiative', 'phase'], registers: [registry],
      collect() {
        this.reset();
        for (const i of initiatives.list() as unknown as { metadata: ObjectMeta; status?: { phase?: string; progress?: { ratio: number } } }[]) {
          if (i.status?.progress) this.set({ initiative: `${i.metadata.namespace}/${i.metadata.name}`, phase: i.status.phase ?? '' }, i.status.progress.ratio);
        }
      },
    });
  }
}

