/**
 * REST paths of the apiserver, built from a resource type rather than spelt out per call:
 * the one place that knows `/api` from `/apis`, where `namespaces/` goes and that names are
 * URL-encoded. The types themselves (plurals, groups, versions) are defined with the kinds:
 * `RESOURCES` and `catalogResource` in ./v1alpha1/resources.ts.
 */

/** A resource type as the apiserver serves it: `group` '' for the core group. */
export interface ResourceType {
  group: string;
  version: string;
  plural: string;
}

/** Where a group version is served: `/api/v1` for the core group, `/apis/<group>/<version>` for the others. */
export function groupVersionPath(type: Pick<ResourceType, 'group' | 'version'>): string {
  return type.group === '' ? `/api/${type.version}` : `/apis/${type.group}/${type.version}`;
}

/** The collection path of a resource type, in one namespace, or across all of them (or cluster-scoped) when none is given. */
export function collectionPath(type: ResourceType, namespace?: string): string {
  return `${groupVersionPath(type)}/${namespace ? `namespaces/${encodeURIComponent(namespace)}/` : ''}${type.plural}`;
}

/**
 * The path of one object (`namespace` undefined for a cluster-scoped one), or of one of its
 * subresources such as `status`.
 */
export function objectPath(type: ResourceType, namespace: string | undefined, name: string, subresource?: string): string {
  return `${collectionPath(type, namespace)}/${encodeURIComponent(name)}${subresource ? `/${subresource}` : ''}`;
}
