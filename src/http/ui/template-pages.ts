import { stringify } from 'yaml';
import type { Condition } from '../../api/v1alpha1/index.ts';
import type { CatalogView } from '../../catalog/view.ts';
import { formatRef, parseRef, splitRef } from '../../catalog/refs.ts';
import type { TemplateObject, TemplateRunObject, TemplateStore } from '../../api/objects.ts';
import { redactUrl } from '../../git/git-cli.ts';
import { when } from './format.ts';
import { secretParameterNames, withoutSecretRequirements } from '../../templates/secret-parameters.ts';
import { parametersCacheKey } from '../../templates/parameter-schema.ts';
import { checkValues } from '../../templates/values.ts';
import { displayName } from './names.ts';
import { entityHref } from './pages.ts';
import { placeMessages, readForm, SUBMITTED, type FormQuery } from './parameter-form.ts';
import { REASON_WORDS } from './words.ts';
import { isCancellable, isRetryable, startableFromPortal } from './run-actions.ts';

/** How many runs a template's page lists. */
const RECENT_RUNS = 20;

export const templateHref = (namespace: string, name: string): string =>
  `/templates/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;
export const runHref = (namespace: string, name: string): string => `/runs/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;

/** A link only for http(s) URLs and same-site paths; `//host` and `/\host` leave the site. */
export function safeHref(url: string): string | undefined {
  return /^https?:\/\//i.test(url) || /^\/(?![/\\])/.test(url) ? url : undefined;
}

/** A URL without its userinfo, for links: the browser never sees a token written into one. */
const withoutUserinfo = (url: string): string => url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/i, '$1');

/** The owner of a template as a link to its catalog page; a bare name means a Group. */
function owner(t: TemplateObject, graph: CatalogView | undefined) {
  const parsed = parseRef(t.spec.owner, { defaultKind: 'Group', namespace: t.metadata.namespace });
  if ('error' in parsed) return { ref: t.spec.owner, name: t.spec.owner, href: undefined };
  const ref = formatRef(parsed);
  const entity = graph?.get(ref);
  return { ref, name: entity ? displayName(entity) : parsed.name, href: entityHref(ref) };
}

const runsOf = (t: TemplateObject, runs: TemplateRunObject[]): TemplateRunObject[] =>
  runs.filter(
    (r) => r.spec.templateRef.name === t.metadata.name && (r.spec.templateRef.namespace ?? r.metadata.namespace) === t.metadata.namespace,
  );

const createdAt = (r: TemplateRunObject): string => r.metadata.creationTimestamp ?? r.status?.startedAt ?? '';

/** Newest first; runs created in the same second by name, last first. */
const newestFirst = (a: TemplateRunObject, b: TemplateRunObject): number =>
  createdAt(b).localeCompare(createdAt(a)) || b.metadata.name.localeCompare(a.metadata.name);

/** A run that has no status yet has not been picked up: it is Pending. */
const phaseOf = (r: TemplateRunObject): string => r.status?.phase ?? 'Pending';

/** What a list of templates shows of one: its page, title, description, type, owner and tags. */
export function summary(t: TemplateObject, graph: CatalogView | undefined) {
  return {
    name: t.metadata.name,
    namespace: t.metadata.namespace,
    href: templateHref(t.metadata.namespace, t.metadata.name),
    title: t.spec.title || t.metadata.name,
    description: t.spec.description ?? '',
    type: t.spec.type,
    owner: owner(t, graph),
    tags: t.spec.tags ?? [],
  };
}

function runRow(r: TemplateRunObject) {
  return {
    name: r.metadata.name,
    namespace: r.metadata.namespace,
    href: runHref(r.metadata.namespace, r.metadata.name),
    phase: phaseOf(r),
    createdAt: createdAt(r),
  };
}

/** Every template, by title, with how often it ran and how its latest run went. */
export function templatesPage(store: TemplateStore, graph?: CatalogView) {
  const runs = store.runs();
  const rows = store.templates().map((t) => {
    const mine = runsOf(t, runs).sort(newestFirst);
    return { ...summary(t, graph), runs: mine.length, latest: mine[0] ? runRow(mine[0]) : undefined };
  });
  rows.sort(
    (a, b) =>
      a.title.localeCompare(b.title, undefined, { sensitivity: 'base' }) ||
      a.namespace.localeCompare(b.namespace) ||
      a.name.localeCompare(b.name),
  );
  return { total: rows.length, rows };
}

function skeletonSource(t: TemplateObject): string {
  const { inline, configMapRef, git } = t.spec.skeleton;
  if (inline) return `${Object.keys(inline).length} inline files`;
  if (configMapRef) return `ConfigMap ${configMapRef.name}`;
  if (git) return `${redactUrl(git.url)}${git.path ? ` (${git.path})` : ''} at ${git.ref ?? 'main'}`;
  return '';
}

/** A TemplateRun name from the template and the run's `name` value, kept a valid object name. */
function runName(template: string, values: Record<string, unknown>): string {
  const wanted = typeof values.name === 'string' ? values.name.toLowerCase().replace(/[^a-z0-9]+/g, '-') : '';
  const suffix = wanted.slice(0, Math.max(1, 252 - template.length)).replace(/^-+|-+$/g, '');
  return `${template}-${suffix || 'run'}`;
}

/** The Secret a run of `t` with these values names for its secret parameters. */
const secretName = (t: TemplateObject, values: Record<string, unknown>): string =>
  `${runName(t.metadata.name, values).slice(0, 245)}-secrets`;

/**
 * The TemplateRun to create for these values, as YAML to paste into `kubectl create -f -`.
 * A template with secret parameters gets a run that names a Secret for them: their values
 * are never part of the run.
 */
export function templateRunYaml(t: TemplateObject, values: Record<string, unknown>): string {
  const secrets = secretParameterNames(t.spec.parameters).length > 0;
  return stringify({
    apiVersion: 'greenroom.dev/v1alpha1',
    kind: 'TemplateRun',
    metadata: { name: runName(t.metadata.name, values), namespace: t.metadata.namespace },
    spec: { templateRef: { name: t.metadata.name }, values, ...(secrets ? { secretValuesRef: { name: secretName(t, values) } } : {}) },
  });
}

/**
 * The Secret to create before the run, one empty key per secret parameter to fill in, or
 * undefined when the template has none. The page never has the values: its secret fields
 * are not sent.
 */
export function secretValuesYaml(t: TemplateObject, values: Record<string, unknown>): string | undefined {
  const names = secretParameterNames(t.spec.parameters);
  if (names.length === 0) return undefined;
  return stringify({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: secretName(t, values), namespace: t.metadata.namespace },
    type: 'Opaque',
    stringData: Object.fromEntries(names.map((name) => [name, ''])),
  });
}

/** A run's values as its page shows them: a secret parameter wrongly put there is starred, not shown. */
function shownValues(r: TemplateRunObject, t: TemplateObject | undefined): string {
  const secret = new Set(secretParameterNames(t?.spec.parameters));
  const values = Object.fromEntries(Object.entries(r.spec.values ?? {}).map(([k, v]) => [k, secret.has(k) ? '***' : v]));
  return redactUrl(stringify(values));
}

const STATUS_WORDS: Record<string, string> = { True: 'yes', False: 'no', Unknown: 'not known yet' };

/** Conditions for people: the reason in words when known, else split out of its CamelCase. */
function conditionsInWords(conditions: Condition[] | undefined) {
  return (conditions ?? []).map((c) => ({
    type: c.type,
    status: c.status,
    state: STATUS_WORDS[c.status] ?? c.status,
    words: REASON_WORDS[c.reason] ?? c.reason.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/^./, (x) => x.toUpperCase()),
    message: redactUrl(c.message),
  }));
}

/**
 * One template: what it is and does, a form for its parameters that checks values the way
 * the operator will and, once they pass, the TemplateRun to create; and its recent runs.
 */
export function templatePage(store: TemplateStore, namespace: string, name: string, query: FormQuery, graph?: CatalogView) {
  const t = store.templates().find((x) => x.metadata.namespace === namespace && x.metadata.name === name);
  if (!t) return undefined;
  const form = readForm(t.spec.parameters, query);
  // A template without parameters needs no form: its run is ready to copy at once.
  const checked = form.submitted || form.fields.length === 0;
  const unreadable = new Set(form.fields.filter((f) => f.messages.length).map((f) => f.name));
  // Secret fields are never submitted, so they are not required here; the operator checks them.
  // The form's schema differs from the Template's, so it is cached under its own key.
  const formKey = parametersCacheKey(t);
  const check = checked
    ? checkValues(withoutSecretRequirements(t.spec.parameters), form.values, formKey && `${formKey}/form`)
    : { ok: true as const };
  // The rest is checked even when a field could not be read, so one submit shows every
  // problem; the unreadable field keeps its own message instead of "is required".
  const about = (m: string) => [...unreadable].some((n) => m.startsWith(`values.${n} `));
  const messages = check.ok
    ? []
    : placeMessages(
        form.fields,
        check.messages.filter((m) => !about(m)),
      );
  const valid = checked && unreadable.size === 0 && check.ok;
  const runs = runsOf(t, store.runs()).sort(newestFirst);
  const template = summary(t, graph);
  return {
    template,
    skeleton: skeletonSource(t),
    steps: t.spec.steps.map((s) => ({
      name: s.name,
      action: s.action,
      url: s.action === 'publish:git' && s.publishGit ? redactUrl(s.publishGit.url) : undefined,
      image: s.action === 'run' ? s.run?.image : undefined,
    })),
    conditions: conditionsInWords(t.status?.conditions),
    form: {
      action: template.href,
      marker: SUBMITTED,
      fields: form.fields,
      submitted: form.submitted,
      messages,
      problems: messages.length + form.fields.reduce((n, f) => n + f.messages.length, 0),
    },
    yaml: valid ? templateRunYaml(t, form.values) : undefined,
    // The checked values, for the portal to start the run with (never rendered).
    values: valid ? form.values : undefined,
    startable: startableFromPortal(t),
    secretYaml: valid ? secretValuesYaml(t, form.values) : undefined,
    command: 'kubectl create -f -',
    runs: runs.slice(0, RECENT_RUNS).map(runRow),
    totalRuns: runs.length,
  };
}

/** How long from start to finish: "42 s", "3 min 5 s", "1 h 2 min". */
export function duration(startedAt: string | undefined, finishedAt: string | undefined): string {
  const ms = Date.parse(finishedAt ?? '') - Date.parse(startedAt ?? '');
  if (!Number.isFinite(ms) || ms < 0) return '';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
  const m = Math.round(s / 60);
  return `${Math.floor(m / 60)} h${m % 60 ? ` ${m % 60} min` : ''}`;
}

function entityLink(raw: string, namespace: string) {
  const parsed = parseRef(raw, { defaultKind: 'Component', namespace });
  if ('error' in parsed) return { ref: raw, href: undefined };
  const ref = formatRef(parsed);
  return { ref, kind: parsed.kind, name: splitRef(ref).name, href: entityHref(ref) };
}

/** One run: how far it got, each step, what it produced, its log tail and the values it ran with. */
export function runPage(store: TemplateStore, namespace: string, name: string) {
  const r = store.runs().find((x) => x.metadata.namespace === namespace && x.metadata.name === name);
  if (!r) return undefined;
  const status = r.status ?? {};
  const templateNamespace = r.spec.templateRef.namespace ?? r.metadata.namespace;
  const t = store.templates().find((x) => x.metadata.namespace === templateNamespace && x.metadata.name === r.spec.templateRef.name);
  const outputs = status.outputs ?? {};
  return {
    run: {
      ...runRow(r),
      created: when(r.metadata.creationTimestamp),
      cancellable: isCancellable(r),
      retryable: isRetryable(r),
      retryOf: r.metadata.annotations?.['greenroom.dev/retry-of'],
    },
    template: {
      name: r.spec.templateRef.name,
      namespace: templateNamespace,
      title: t ? t.spec.title || t.metadata.name : r.spec.templateRef.name,
      href: templateHref(templateNamespace, r.spec.templateRef.name),
      exists: Boolean(t),
    },
    startedAt: when(status.startedAt),
    finishedAt: when(status.finishedAt),
    duration: duration(status.startedAt, status.finishedAt),
    steps: (status.steps ?? []).map((s) => ({
      name: s.name,
      phase: s.phase,
      startedAt: when(s.startedAt),
      finishedAt: when(s.finishedAt),
      duration: duration(s.startedAt, s.finishedAt),
      message: redactUrl(s.message ?? ''),
    })),
    outputs: {
      links: (outputs.links ?? []).map((l) => ({
        text: redactUrl(l.title || l.url),
        url: safeHref(withoutUserinfo(l.url)),
        raw: redactUrl(l.url),
      })),
      entities: (outputs.entityRefs ?? []).map((ref) => entityLink(ref, r.metadata.namespace)),
      commit: outputs.commit ?? '',
    },
    jobName: status.jobName ?? '',
    logTail: redactUrl(status.logTail ?? ''),
    conditions: conditionsInWords(status.conditions),
    // A run's values may hold a URL with a token in it (repoUrl): the page shows it without.
    valuesYaml: shownValues(r, t),
  };
}

/**
 * What the run page's script follows while the run is going (GET …/progress): the phase and
 * each step's, plain values the script writes with textContent, never as HTML.
 */
export function runProgress(r: TemplateRunObject) {
  const phase = r.status?.phase ?? 'Pending';
  return {
    phase,
    finished: phase === 'Succeeded' || phase === 'Failed',
    steps: (r.status?.steps ?? []).map((s) => ({
      name: s.name,
      phase: s.phase,
      duration: duration(s.startedAt, s.finishedAt),
      message: redactUrl(s.message ?? ''),
    })),
  };
}
