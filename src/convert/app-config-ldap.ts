import { isRecord } from './model.ts';
import { describeSecret, ldapSecretNotice } from './secrets.ts';

/** An ldap CatalogSource spec made from one Backstage `ldapOrg` provider, and what did not map. */
export interface LdapConversion {
  spec?: Record<string, unknown>;
  skipped: string[];
  warnings: string[];
}

/**
 * Backstage config paths (under one provider) that have a place in Greenroom's ldap source.
 * Anything else found under the provider is reported by its path.
 */
const MAPPED = new Set([
  'target',
  'bind.dn',
  'bind.secret',
  'schedule.frequency',
  'tls.certs',
  'users.dn',
  'users.options.filter',
  'users.options.scope',
  'users.map.name',
  'users.map.displayName',
  'users.map.email',
  'groups.dn',
  'groups.options.filter',
  'groups.options.scope',
  'groups.map.name',
  'groups.map.displayName',
  'groups.map.description',
  'groups.map.members',
  'groups.set.spec.type',
]);

/** Every leaf of a config as its dotted path. */
function leaves(value: unknown, at: string): string[] {
  if (!isRecord(value)) return [at];
  return Object.entries(value).flatMap(([key, item]) => leaves(item, at ? `${at}.${key}` : key));
}

/** Backstage allows one or several user (group) configurations; Greenroom's source reads one. */
function first(value: unknown, what: string, path: string, skipped: string[]): Record<string, unknown> | undefined {
  if (!Array.isArray(value)) return isRecord(value) ? value : undefined;
  if (value.length > 1) skipped.push(`${path}.${what}[1..]: an ldap CatalogSource reads one ${what} base DN; make one source per base DN`);
  return isRecord(value[0]) ? value[0] : undefined;
}

/** `PT1H`, `{ minutes: 30 }` as Greenroom's interval (`1h`, `30m`); undefined when it is neither (a cron expression). */
export function toInterval(frequency: unknown): string | undefined {
  let seconds: number;
  if (typeof frequency === 'string') {
    const iso = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(frequency);
    if (!iso) return undefined;
    const [d, h, m, s] = [1, 2, 3, 4].map((i) => Number(iso[i] ?? 0)) as [number, number, number, number];
    seconds = ((d * 24 + h) * 60 + m) * 60 + s;
  } else if (isRecord(frequency) && !('cron' in frequency)) {
    const n = (key: string) => Number(frequency[key] ?? 0);
    seconds = ((n('days') * 24 + n('hours')) * 60 + n('minutes')) * 60 + n('seconds');
  } else return undefined;
  if (!Number.isInteger(seconds) || seconds <= 0) return undefined;
  const parts: [number, string][] = [
    [Math.floor(seconds / 3600), 'h'],
    [Math.floor((seconds % 3600) / 60), 'm'],
    [seconds % 60, 's'],
  ];
  return parts
    .filter(([count]) => count > 0)
    .map(([count, unit]) => `${count}${unit}`)
    .join('');
}

/** An LDAP search (users or groups) in Greenroom's shape. */
function search(config: Record<string, unknown>, map: Record<string, string>): Record<string, unknown> {
  const options = isRecord(config.options) ? config.options : {};
  const mapping = isRecord(config.map) ? config.map : {};
  const mapped = Object.fromEntries(
    Object.entries(map).flatMap(([ours, theirs]) => (typeof mapping[theirs] === 'string' ? [[ours, mapping[theirs]]] : [])),
  );
  return {
    baseDn: config.dn,
    ...(typeof options.filter === 'string' ? { filter: options.filter } : {}),
    ...(options.scope === 'one' || options.scope === 'sub' ? { scope: options.scope } : {}),
    ...(Object.keys(mapped).length > 0 ? { map: mapped } : {}),
  };
}

/**
 * Maps one `catalog.providers.ldapOrg.<id>` entry. The bind DN and secret go to a Secret the
 * source names (Greenroom reads both from there); the report says what to put in it.
 */
export function convertLdapProvider(config: unknown, path: string, name: string): LdapConversion {
  const out: LdapConversion = { skipped: [], warnings: [] };
  if (!isRecord(config) || typeof config.target !== 'string') {
    out.skipped.push(`${path}: no target (the directory's ldap:// or ldaps:// URL)`);
    return out;
  }
  const users = first(config.users, 'users', path, out.skipped);
  const groups = first(config.groups, 'groups', path, out.skipped);
  const flat = { ...config, users, groups };
  const unmapped = leaves(flat, '').filter((leaf) => !MAPPED.has(leaf) && !/^(users|groups)$/.test(leaf));
  const scopes = [users, groups].map((c) => (isRecord(c?.options) ? c.options.scope : undefined));
  if (scopes.includes('base')) unmapped.push('options.scope: base');
  if (unmapped.length > 0) out.skipped.push(`${path}: not mapped (no such field in an ldap CatalogSource): ${unmapped.join(', ')}`);
  if (!users || !groups || typeof users.dn !== 'string' || typeof groups.dn !== 'string') {
    out.skipped.push(`${path}: needs users.dn and groups.dn (an ldap CatalogSource reads both)`);
    return out;
  }
  const bind = isRecord(config.bind) ? config.bind : undefined;
  const secretName = `${name}-bind`;
  if (bind) {
    const dn = typeof bind.dn === 'string' ? bind.dn : 'the bind DN';
    const secret = typeof bind.secret === 'string' ? describeSecret(bind.secret) : 'the bind password';
    const host = /^ldaps?:\/\/([^/:?]+)/i.exec(config.target)?.[1] ?? config.target;
    out.warnings.push(ldapSecretNotice(secretName, dn, secret, host, isRecord(config.tls) && config.tls.certs !== undefined));
  }
  const groupSearch = search(groups, { name: 'name', displayName: 'displayName', description: 'description', members: 'members' });
  const set = isRecord(groups.set) ? groups.set : {};
  const type = isRecord(set.spec) && typeof set.spec.type === 'string' ? set.spec.type : undefined;
  const interval = toInterval(isRecord(config.schedule) ? config.schedule.frequency : undefined);
  if (isRecord(config.schedule) && config.schedule.frequency !== undefined && interval === undefined)
    out.skipped.push(
      `${path}.schedule.frequency: ${JSON.stringify(config.schedule.frequency)} is not a fixed interval; the source checks every 5m`,
    );
  out.spec = {
    ...(interval ? { interval } : {}),
    ldap: {
      url: config.target,
      ...(bind ? { bindSecretRef: { name: secretName } } : {}),
      users: search(users, { name: 'name', displayName: 'displayName', email: 'email' }),
      groups: { ...groupSearch, ...(type ? { type } : {}) },
    },
  };
  return out;
}
