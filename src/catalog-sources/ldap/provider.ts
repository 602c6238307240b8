import { Client, type Entry, type SearchOptions } from 'ldapts';
import { getCACertificates, type ConnectionOptions } from 'node:tls';
import type { LdapCatalog } from '../../api/v1alpha1/catalog-source.ts';
import type { CatalogProvider, SourceSnapshot } from '../provider.ts';
import { attributesToRequest, DEFAULT_FILTERS, mappingOf, type DirectoryContents, type DirectoryEntry } from './entries.ts';
import { mapDirectory } from './mapping.ts';

/** Who the provider binds as; read from the CatalogSource's bind Secret by the caller. */
export interface LdapBind {
  dn: string;
  password: string;
}

/** Bounds of one read; every read is bounded so a huge or stuck directory cannot hold the sync. */
export interface LdapProviderOptions {
  /** Limit for the TCP/TLS connect and for each LDAP operation (bind, each page of a search). */
  timeoutMs: number;
  /** Most entries (users and groups together) one read takes in; beyond it the read rejects. */
  maxEntries: number;
  /** A CA (PEM) trusted for ldaps:// beside the system's, for a directory with a private CA. */
  tlsCa?: string;
  /** Entries per page of the paged search (default 500). */
  pageSize?: number;
}

/** The connection options: ldaps:// verifies the server against the system CAs plus `tlsCa`. */
export function clientOptions(url: string, options: LdapProviderOptions): ConstructorParameters<typeof Client>[0] {
  const secure = url.toLowerCase().startsWith('ldaps://');
  // ldap:// is plain text, bind password included: the spec's url says StartTLS is not
  // attempted, so whoever chooses ldap:// chooses a trusted network. ldaps:// is verified
  // (rejectUnauthorized), never downgraded.
  const tlsOptions: ConnectionOptions | undefined = secure
    ? {
        rejectUnauthorized: true,
        ca: [...new Set([...getCACertificates('default'), ...getCACertificates('system'), ...(options.tlsCa ? [options.tlsCa] : [])])],
      }
    : undefined;
  return { url, timeout: options.timeoutMs, connectTimeout: options.timeoutMs, strictDN: true, ...(tlsOptions ? { tlsOptions } : {}) };
}

/** An ldapts entry with attribute names lower-cased and every value a string. */
export function toDirectoryEntry(entry: Entry): DirectoryEntry {
  const attributes: Record<string, string[]> = {};
  for (const [name, raw] of Object.entries(entry)) {
    if (name === 'dn') continue;
    const values = (Array.isArray(raw) ? raw : [raw]).map((value) => (Buffer.isBuffer(value) ? value.toString('utf8') : value));
    attributes[name.toLowerCase()] = [...(attributes[name.toLowerCase()] ?? []), ...values];
  }
  return { dn: entry.dn, attributes };
}

/**
 * What went wrong, for the CatalogSource's status: an LDAP result as its name and code
 * (`invalid credentials (LDAP result 49)`), with the server's diagnostic when it sent one;
 * every occurrence of the password masked, as a diagnostic may echo anything.
 */
export function describeError(error: unknown, password: string | undefined): string {
  const { name, message } = error instanceof Error ? error : new Error(String(error));
  const code = (error as { code?: unknown }).code;
  // Node's hint for an untrusted certificate (run with --use-system-ca) does not apply: the system CAs are trusted already.
  let text = message.replace(/; if the root CA is installed locally.*$/s, '').trim();
  if (typeof code === 'number') {
    const result = (error as object).constructor.name
      .replace(/Error$/, '')
      .replace(/([a-z])([A-Z])/g, '$1 $2')
      .toLowerCase();
    const diagnostic = message.replace(/\s*Code: 0x[0-9a-f]+\s*$/i, '').trim();
    text = `${result || name} (LDAP result ${code})${diagnostic ? `: ${diagnostic}` : ''}`;
  }
  return password ? text.split(password).join('***') : text;
}

/** Rejects with the signal's reason once it aborts; lets an await end at once instead of at its timeout. */
function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** The searches returned more entries than one read may hold. */
export class EntryLimitError extends Error {
  override name = 'EntryLimitError';
}

/** What one read needs to search and count. */
interface ReadContext {
  client: Client;
  url: string;
  signal: AbortSignal;
  maxEntries: number;
  pageSize: number;
  /** Entries taken in so far, users and groups together. */
  count: number;
}

/** One paged search, page by page, so the cap is checked before the whole answer is held. */
async function searchAll(
  context: ReadContext,
  search: { baseDn: string; filter?: string | undefined; scope?: 'one' | 'sub' | undefined },
  attributes: string[],
): Promise<DirectoryEntry[]> {
  const options: SearchOptions = {
    scope: search.scope ?? 'sub',
    filter: search.filter,
    attributes,
    paged: { pageSize: Math.min(context.pageSize, context.maxEntries + 1) },
  };
  const entries: DirectoryEntry[] = [];
  const pages = context.client.searchPaginated(search.baseDn, options);
  for (;;) {
    const page = await abortable(pages.next(), context.signal);
    if (page.done) return entries;
    context.count += page.value.searchEntries.length;
    if (context.count > context.maxEntries) {
      throw new EntryLimitError(
        `${context.url}: the searches return more than ${context.maxEntries} entries; ` +
          'narrow the base DNs or filters (the operator reads at most that many per source)',
      );
    }
    for (const entry of page.value.searchEntries) entries.push(toDirectoryEntry(entry));
  }
}

/** Binds (when told to) and runs both searches; errors name the server, never the password. */
async function readDirectory(
  client: Client,
  spec: LdapCatalog,
  bind: LdapBind | undefined,
  context: ReadContext,
): Promise<DirectoryContents> {
  if (bind) {
    // RFC 4513 5.1.2: a DN with an empty password is an unauthenticated bind, which many
    // servers let through as anonymous; a Secret whose password went missing must not read
    // the directory as nobody.
    if (bind.password === '') throw new Error(`${spec.url}: the bind password for ${bind.dn} is empty; refusing an unauthenticated bind`);
    try {
      await abortable(client.bind(bind.dn, bind.password), context.signal);
    } catch (error) {
      if (context.signal.aborted) throw error;
      throw new Error(`${spec.url}: bind as ${bind.dn} failed: ${describeError(error, bind.password)}`);
    }
  }
  const attributes = attributesToRequest(mappingOf(spec));
  const step = async (what: string, work: () => Promise<DirectoryEntry[]>) => {
    try {
      return await work();
    } catch (error) {
      if (context.signal.aborted || error instanceof EntryLimitError) throw error;
      throw new Error(`${spec.url}: searching ${what} failed: ${describeError(error, bind?.password)}`);
    }
  };
  const users = await step(`users under ${spec.users.baseDn}`, () =>
    searchAll(context, { ...spec.users, filter: spec.users.filter ?? DEFAULT_FILTERS.users }, attributes.users),
  );
  const groups = await step(`groups under ${spec.groups.baseDn}`, () =>
    searchAll(context, { ...spec.groups, filter: spec.groups.filter ?? DEFAULT_FILTERS.groups }, attributes.groups),
  );
  return { users, groups };
}

/**
 * The LDAP catalog provider: each read binds, searches users and groups (paged, only the
 * mapped attributes) and maps them to Users and Groups with their memberships. A directory
 * has no cheap "has anything changed" question, so there is no `currentRevision`: each
 * check is one read, and its revision (a digest) tells the sync whether anything changed.
 * The client is closed when the read ends, however it ends; an abort closes it at once.
 */
export function ldapProvider(spec: LdapCatalog, bind: LdapBind | undefined, options: LdapProviderOptions): CatalogProvider {
  return {
    async read(signal: AbortSignal): Promise<SourceSnapshot> {
      signal.throwIfAborted();
      const client = new Client(clientOptions(spec.url, options));
      const close = () => void client.unbind().catch(() => undefined);
      signal.addEventListener('abort', close, { once: true });
      const context: ReadContext = {
        client,
        url: spec.url,
        signal,
        maxEntries: options.maxEntries,
        pageSize: options.pageSize ?? 500,
        count: 0,
      };
      try {
        const contents = await readDirectory(client, spec, bind, context);
        return mapDirectory(contents, mappingOf(spec));
      } finally {
        signal.removeEventListener('abort', close);
        await client.unbind().catch(() => undefined);
      }
    },
  };
}
