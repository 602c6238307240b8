import { catalogSourceSpec } from '../api/v1alpha1/catalog-source.ts';
import { API_VERSION } from '../api/v1alpha1/index.ts';
import { convertLdapProvider } from './app-config-ldap.ts';
import { parseForgeUrl, type ForgeLocation } from './forge-urls.ts';
import { isRecord, type ConvertedObject, type OutputObject, type Problem, type SourceDocument } from './model.ts';
import { toKubernetesName } from './names.ts';
import { describeSecret, gitSecretNotice, gitSecretName, UniqueNames } from './secrets.ts';

/** A CatalogSource as `greenroom convert` writes it. */
export interface CatalogSourceObject extends OutputObject {
  spec: Record<string, unknown>;
}

/** What the app-config documents gave: CatalogSources, and what could not be mapped. */
export interface AppConfigResult {
  objects: ConvertedObject<CatalogSourceObject>[];
  problems: Problem[];
}

/** Backstage's configuration files: app-config.yaml, app-config.production.yaml, app-config.local.yml. */
export const APP_CONFIG_FILE = /^app-config(\.[\w-]+)?\.ya?ml$/;

/** The catalog file Backstage looks for in a directory a location names (`…/tree/main/services`). */
const CATALOG_FILE = 'catalog-info.yaml';
/** The most paths a CatalogSource takes (its schema's limit). */
const MAX_PATHS = 20;

/**
 * Whether a document is a Backstage app-config: no apiVersion or kind, and the top-level
 * keys Backstage's configuration has (`catalog`, `integrations`, `app`, `backend`).
 */
export function isAppConfig(value: unknown): boolean {
  return (
    isRecord(value) &&
    value.apiVersion === undefined &&
    value.kind === undefined &&
    ['catalog', 'integrations', 'app', 'backend'].some((key) => key in value)
  );
}

/** One repository at one ref, and the catalog paths read from it. */
interface RepositoryGroup {
  forge: ForgeLocation;
  paths: string[];
}

/** Where one document's conversion writes: its problems, and the sources it makes. */
interface Sink {
  skip(message: string): void;
  warn(message: string): void;
  /** Adds a CatalogSource named after `base` (made unique), or reports why its spec is refused. */
  add(base: string, spec: Record<string, unknown>): void;
}

function sinkFor(doc: SourceDocument, result: AppConfigResult, names: UniqueNames, namespace: string | undefined): Sink {
  const at = { file: doc.file, document: doc.document, ...(doc.line === undefined ? {} : { line: doc.line }) };
  const skip = (message: string) => result.problems.push({ severity: 'skipped', ...at, message });
  return {
    skip,
    warn: (message) => result.problems.push({ severity: 'warning', ...at, message }),
    add: (base, spec) => {
      const object = catalogSource(names.take(base), spec, namespace);
      const parsed = catalogSourceSpec.safeParse(spec);
      if (parsed.success) result.objects.push({ object, source: at });
      else
        skip(
          `CatalogSource ${object.metadata.name}: ${parsed.error.issues.map((i) => `spec.${i.path.join('.')}: ${i.message}`).join('; ')}`,
        );
    },
  };
}

/**
 * Turns the `catalog.locations` and `catalog.providers` of Backstage app-config documents
 * into CatalogSources: the url locations of one repository and ref become one git source,
 * an `ldapOrg` provider an ldap source. Whatever has no Greenroom counterpart is reported
 * with its file, its path in the config and the reason. Secrets are never copied: a source
 * names a Secret, and the report says which keys it needs.
 */
export function convertAppConfigs(documents: readonly SourceDocument[], options: { namespace?: string | undefined }): AppConfigResult {
  const result: AppConfigResult = { objects: [], problems: [] };
  const names = new UniqueNames();
  for (const doc of documents) {
    const sink = sinkFor(doc, result, names, options.namespace);
    const value = doc.value as Record<string, unknown>;
    const catalog = isRecord(value.catalog) ? value.catalog : {};
    if (catalog.rules !== undefined) sink.skip(rulesMessage('catalog.rules', catalog.rules));
    const groups = groupLocations(catalog.locations, sink);
    gitSources(groups, value.integrations, sink);
    const providers = isRecord(catalog.providers) ? catalog.providers : {};
    providerSources(providers, sink);
    if (groups.size === 0 && Object.keys(providers).length === 0)
      sink.warn('a Backstage app-config with no url location in catalog.locations and no catalog.providers: nothing to convert');
  }
  return result;
}

/** One git CatalogSource a repository and ref, naming the Secret of the host's integration when it has one. */
function gitSources(groups: ReadonlyMap<string, RepositoryGroup>, integrations: unknown, sink: Sink): void {
  const secrets = new Map<string, string>();
  for (const { forge, paths } of groups.values()) {
    const token = integrationToken(integrations, forge.host);
    const secretRef = token === undefined ? undefined : gitSecretName(forge.host);
    if (secretRef !== undefined) secrets.set(secretRef, gitSecretNotice(secretRef, forge.host, token!));
    if (paths.length > MAX_PATHS)
      sink.skip(`${forge.repository}: a CatalogSource reads at most ${MAX_PATHS} paths; not read: ${paths.slice(MAX_PATHS).join(', ')}`);
    sink.add(forge.name, {
      git: {
        url: forge.repository,
        ref: forge.ref,
        paths: paths.slice(0, MAX_PATHS),
        ...(secretRef ? { secretRef: { name: secretRef } } : {}),
      },
    });
  }
  for (const notice of secrets.values()) sink.warn(notice);
}

/** `ldapOrg` providers become ldap sources; any other provider is reported. */
function providerSources(providers: Record<string, unknown>, sink: Sink): void {
  for (const [provider, config] of Object.entries(providers)) {
    if (provider !== 'ldapOrg') {
      sink.skip(
        `catalog.providers.${provider}: no provider for ${provider} in Greenroom yet (CatalogSources read git, kubernetes and ldap)`,
      );
      continue;
    }
    for (const [id, one] of Object.entries(isRecord(config) ? config : {})) {
      const ldap = convertLdapProvider(one, `catalog.providers.ldapOrg.${id}`, toKubernetesName(`ldap-${id}`) || 'ldap');
      ldap.skipped.forEach(sink.skip);
      ldap.warnings.forEach(sink.warn);
      if (ldap.spec) sink.add(`ldap-${id}`, ldap.spec);
    }
  }
}

function catalogSource(name: string, spec: Record<string, unknown>, namespace: string | undefined): CatalogSourceObject {
  return { apiVersion: API_VERSION, kind: 'CatalogSource', metadata: { name, ...(namespace ? { namespace } : {}) }, spec };
}

/** Allow-lists of kinds: a CatalogSource writes whatever kinds its files hold. */
function rulesMessage(path: string, rules: unknown): string {
  const allowed = (Array.isArray(rules) ? rules : [])
    .flatMap((rule) => (isRecord(rule) && Array.isArray(rule.allow) ? rule.allow : []))
    .map(String);
  return `${path} (allow: ${allowed.join(', ') || 'none'}) cannot be expressed: a CatalogSource writes every catalog kind its files hold; restrict who may write which kinds with RBAC instead`;
}

/** The url locations grouped by repository and ref, in the order they first appear; the others reported. */
function groupLocations(locations: unknown, { skip, warn }: Sink): Map<string, RepositoryGroup> {
  const groups = new Map<string, RepositoryGroup>();
  for (const [index, location] of (Array.isArray(locations) ? locations : []).entries()) {
    const at = `catalog.locations[${index}]`;
    const target = isRecord(location) && typeof location.target === 'string' ? location.target : undefined;
    const type = isRecord(location) ? location.type : undefined;
    if (target === undefined) {
      skip(`${at} has no target`);
      continue;
    }
    if (type === 'file') {
      skip(`${at} (file ${target}) is local to the Backstage host: convert the files with \`greenroom convert\` and commit them`);
      continue;
    }
    if (type !== 'url') {
      skip(
        `${at} (${String(type)} ${target}): type ${String(type)} has no Greenroom counterpart (url locations become git CatalogSources)`,
      );
      continue;
    }
    const forge = parseForgeUrl(target);
    if (!forge) {
      skip(
        `${at} (url ${target}) is not a GitHub, GitLab, Bitbucket or Azure DevOps file URL (…/blob/<ref>/<path>); a CatalogSource reads a git repository`,
      );
      continue;
    }
    const rules = isRecord(location) ? location.rules : undefined;
    if (rules !== undefined) skip(rulesMessage(`${at}.rules`, rules));
    let path = forge.path;
    if (forge.directory) {
      path = forge.path ? `${forge.path}/**/${CATALOG_FILE}` : `**/${CATALOG_FILE}`;
      warn(`${at} (url ${target}) names a directory: read as ${path}`);
    }
    const key = `${forge.repository}@${forge.ref}`;
    const group = groups.get(key) ?? { forge, paths: [] };
    if (!group.paths.includes(path)) group.paths.push(path);
    groups.set(key, group);
  }
  return groups;
}

/**
 * How the Backstage config authenticates to a host: the `token` of its integration entry
 * as written (`${GITHUB_TOKEN}`: the name of the variable, never a value), or undefined when
 * it has no entry for the host (a public repository needs no Secret).
 */
function integrationToken(integrations: unknown, host: string): string | undefined {
  if (!isRecord(integrations)) return undefined;
  for (const [kind, entries] of Object.entries(integrations)) {
    for (const entry of Array.isArray(entries) ? entries : []) {
      if (!isRecord(entry)) continue;
      const entryHost = typeof entry.host === 'string' ? entry.host : defaultHost(kind);
      if (entryHost !== host) continue;
      if (typeof entry.token === 'string') return describeSecret(entry.token);
      if (isRecord(entry.token) && typeof entry.token.$env === 'string') return `the value of $${entry.token.$env}`;
      if (entry.apps !== undefined) return 'a token (Backstage used a GitHub App here; Greenroom takes a token)';
      return 'a token';
    }
  }
  return undefined;
}

const defaultHost = (kind: string): string | undefined =>
  ({ github: 'github.com', gitlab: 'gitlab.com', bitbucketCloud: 'bitbucket.org' })[kind];
