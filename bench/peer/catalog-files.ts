// The one synthetic catalog both sides read: bench/synthetic-catalog.ts written out as the
// catalog-info.yaml files a Backstage user keeps, and the relations each entity must show.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { SyntheticObject } from '../synthetic-catalog.ts';

/** Entities per chunk file: each chunk is its own Location in Backstage, as in a repository of services. */
export const CHUNK_SIZE = 100;

export interface BackstageCatalog {
  /** The file app-config.yaml's catalog.locations names: a `kind: Location` listing every chunk. */
  rootFile: string;
  /** The chunk files, in order; entity `i` of the generator is in chunk `Math.floor(i / CHUNK_SIZE)`. */
  chunks: string[];
  /** The Location entity that reads each chunk file (`location:default/chunk-007`), in the same order. */
  chunkLocations: string[];
  /** The chunk file holding an entity, by `kind:name` (lower-case kind). */
  chunkOf(key: string): number;
  /** Rewrites one entity in its chunk file (atomically: a reader never sees half a file). */
  rewrite(object: SyntheticObject): Promise<void>;
}

/** The key both sides are compared on: `kind:name`, kind lower-case, namespace dropped. */
export const keyOf = (kind: string, name: string): string => `${kind.toLowerCase()}:${name}`;

/** A generator reference (`resource:resource-3`, `team-1` for an owner) as a key. */
function keyOfRef(ref: string, defaultKind: string): string {
  const [kind, name] = ref.includes(':') ? (ref.split(':', 2) as [string, string]) : [defaultKind, ref];
  return keyOf(kind, name.includes('/') ? name.slice(name.indexOf('/') + 1) : name);
}

/** The generator's object as the Backstage entity a user would write (refs in Backstage's `default` namespace). */
export function backstageEntity(o: SyntheticObject): Record<string, unknown> {
  const { description, parent, dependsOn, ...rest } = o.spec as Record<string, unknown> & {
    description?: string;
    parent?: string;
    dependsOn?: string[];
  };
  const spec: Record<string, unknown> = { ...rest };
  if (typeof spec.owner === 'string') spec.owner = `group:${spec.owner}`;
  if (typeof spec.system === 'string') spec.system = `system:${spec.system}`;
  if (o.kind === 'Group') {
    spec.children = [];
    if (parent) spec.parent = `group:${parent}`;
  }
  if (dependsOn) spec.dependsOn = dependsOn;
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: o.kind,
    metadata: { name: o.metadata.name, ...(description ? { description } : {}) },
    spec,
  };
}

/**
 * Writes the catalog under `dir` as a repository of services would lay it out: chunk files of
 * {@link CHUNK_SIZE} entities, each read by its own Location entity (its own file, as a
 * repository's catalog-info.yaml), and a root Location listing those. Backstage reads a
 * Location's targets while processing it, so only a Location *entity* per chunk gives a chunk
 * its own entity to refresh.
 */
export async function writeBackstageCatalog(objects: readonly SyntheticObject[], dir: string): Promise<BackstageCatalog> {
  await mkdir(join(dir, 'chunks'), { recursive: true });
  const current = [...objects];
  const chunks: string[] = [];
  const index = new Map<string, number>();
  const chunkText = (c: number): string =>
    current
      .slice(c * CHUNK_SIZE, (c + 1) * CHUNK_SIZE)
      .map((o) => stringify(backstageEntity(o)))
      .join('---\n');
  const chunkLocations: string[] = [];
  for (let c = 0; c * CHUNK_SIZE < current.length; c++) {
    const name = `chunk-${String(c).padStart(3, '0')}`;
    const file = join(dir, 'chunks', `${name}.yaml`);
    chunks.push(file);
    chunkLocations.push(`location:default/${name}`);
    await writeFile(file, chunkText(c));
    await writeFile(
      join(dir, 'chunks', `${name}.location.yaml`),
      stringify({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Location',
        metadata: { name },
        spec: { type: 'file', target: `./${name}.yaml` },
      }),
    );
  }
  current.forEach((o, i) => index.set(keyOf(o.kind, o.metadata.name), i));
  const rootFile = join(dir, 'catalog-info.yaml');
  await writeFile(
    rootFile,
    stringify({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Location',
      metadata: { name: 'synthetic-catalog', description: `${objects.length} synthetic entities in ${chunks.length} files` },
      spec: { type: 'file', targets: chunkLocations.map((ref) => `./chunks/${ref.slice(ref.indexOf('/') + 1)}.location.yaml`) },
    }),
  );
  const chunkOf = (key: string): number => {
    const i = index.get(key);
    if (i === undefined) throw new Error(`no entity ${key} in the catalog`);
    return Math.floor(i / CHUNK_SIZE);
  };
  return {
    rootFile,
    chunks,
    chunkLocations,
    chunkOf,
    async rewrite(object) {
      const key = keyOf(object.kind, object.metadata.name);
      current[index.get(key)!] = object;
      const c = chunkOf(key);
      await writeFile(`${chunks[c]}.tmp`, chunkText(c));
      await rename(`${chunks[c]}.tmp`, chunks[c]!);
    },
  };
}

/** `type key` strings, one per relation an entity must show. */
export type RelationSet = Set<string>;
export const relationKey = (type: string, targetKey: string): string => `${type} ${targetKey}`;

/**
 * Every relation each entity must show, in both directions, from the generator's fields:
 * owner → ownedBy/ownerOf, system → partOf/hasPart, dependsOn → dependsOn/dependencyOf,
 * parent → childOf/parentOf.
 */
export function expectedRelations(objects: readonly SyntheticObject[]): Map<string, RelationSet> {
  const expected = new Map<string, RelationSet>(objects.map((o) => [keyOf(o.kind, o.metadata.name), new Set()]));
  const both = (from: string, type: string, to: string, inverse: string): void => {
    expected.get(from)!.add(relationKey(type, to));
    expected.get(to)?.add(relationKey(inverse, from));
  };
  for (const o of objects) {
    const self = keyOf(o.kind, o.metadata.name);
    const spec = o.spec as { owner?: string; system?: string; parent?: string; dependsOn?: string[] };
    if (spec.owner) both(self, 'ownedBy', keyOfRef(spec.owner, 'group'), 'ownerOf');
    if (spec.system) both(self, 'partOf', keyOfRef(spec.system, 'system'), 'hasPart');
    if (spec.parent) both(self, 'childOf', keyOfRef(spec.parent, 'group'), 'parentOf');
    for (const d of spec.dependsOn ?? []) both(self, 'dependsOn', keyOfRef(d, 'component'), 'dependencyOf');
  }
  return expected;
}

/** A relation target ref (`resource:default/resource-3`, `resource:bench/resource-3`) as a key. */
export const keyOfTarget = (target: string): string => keyOfRef(target, 'component');

/** True when `actual` (type, target-ref pairs) is exactly the expected set. */
export function sameRelations(expected: RelationSet, actual: readonly { type: string; target: string }[]): boolean {
  const got = new Set(actual.map((r) => relationKey(r.type, keyOfTarget(r.target))));
  return got.size === expected.size && [...expected].every((k) => got.has(k));
}

/** The change both sides time: component `index` gains a dependsOn on a resource it did not depend on. */
export interface DependencyChange {
  /** The component with the longer dependsOn, as the generator would have made it. */
  object: SyntheticObject;
  component: string;
  resource: string;
}

export function addedDependency(objects: readonly SyntheticObject[], index: number): DependencyChange {
  const components = objects.filter((o) => o.kind === 'Component');
  const resources = objects.filter((o) => o.kind === 'Resource').map((o) => o.metadata.name);
  const original = components[index % components.length]!;
  const has = new Set((original.spec.dependsOn as string[] | undefined) ?? []);
  let r = (index * 37 + 11) % resources.length;
  while (has.has(`resource:${resources[r]}`)) r = (r + 1) % resources.length;
  const resource = resources[r]!;
  return {
    object: { ...original, spec: { ...original.spec, dependsOn: [...has, `resource:${resource}`] } },
    component: original.metadata.name,
    resource,
  };
}
