// The parts of Backstage's catalog REST API the benchmark uses, as any client would call them.

export interface BackstageEntity {
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: Record<string, unknown>;
  relations?: { type: string; targetRef: string }[];
}

async function json<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, init);
  if (!res.ok) throw new Error(`${init?.method ?? 'GET'} ${url}: ${res.status} ${(await res.text()).slice(0, 300)}`);
  return (await res.json()) as T;
}

/** Every entity, a page of `pageSize` at a time along the cursor, with only the named fields. */
export async function listAll(base: string, fields: string, pageSize = 500): Promise<BackstageEntity[]> {
  const items: BackstageEntity[] = [];
  let query = `limit=${pageSize}&fields=${fields}`;
  for (;;) {
    const page = await json<{ items: BackstageEntity[]; pageInfo: { nextCursor?: string } }>(
      `${base}/api/catalog/entities/by-query?${query}`,
    );
    items.push(...page.items);
    if (!page.pageInfo.nextCursor) return items;
    query = `cursor=${encodeURIComponent(page.pageInfo.nextCursor)}&limit=${pageSize}&fields=${fields}`;
  }
}

/** One entity by kind, namespace and name; undefined when the catalog has none (yet). */
export async function byName(base: string, kind: string, name: string): Promise<BackstageEntity | undefined> {
  const res = await fetch(`${base}/api/catalog/entities/by-name/${kind}/default/${name}`);
  if (res.status === 404) return undefined;
  if (!res.ok) throw new Error(`by-name ${kind}/${name}: ${res.status}`);
  return (await res.json()) as BackstageEntity;
}

/** Entities by ref, in the order asked (null for a ref the catalog has not). */
export async function byRefs(base: string, entityRefs: string[]): Promise<(BackstageEntity | null)[]> {
  const body = await json<{ items: (BackstageEntity | null)[] }>(`${base}/api/catalog/entities/by-refs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ entityRefs }),
  });
  return body.items;
}

/** POST /refresh: the entity is processed again at once instead of at its next interval. */
export async function refresh(base: string, entityRef: string): Promise<void> {
  const res = await fetch(`${base}/api/catalog/refresh`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ entityRef }),
  });
  if (!res.ok) throw new Error(`refresh ${entityRef}: ${res.status} ${await res.text()}`);
}
