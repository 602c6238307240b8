import { describe, expect, it } from '@jest/globals';
import { collectionPath, groupVersionPath, objectPath } from '../../src/api/resource-paths.ts';
import { CATALOG_KINDS, catalogResource, RESOURCES } from '../../src/api/v1alpha1/index.ts';

describe('building apiserver paths from resource types', () => {
  it('when the type is in the core group, then its paths are under /api/<version>', () => {
    expect(groupVersionPath(RESOURCES.configMaps)).toBe('/api/v1');
    expect(collectionPath(RESOURCES.configMaps, 'team-a')).toBe('/api/v1/namespaces/team-a/configmaps');
    expect(objectPath(RESOURCES.secrets, 'team-a', 'git-token')).toBe('/api/v1/namespaces/team-a/secrets/git-token');
  });

  it('when the type is in a named group, then its paths are under /apis/<group>/<version>', () => {
    expect(collectionPath(RESOURCES.jobs, 'team-a')).toBe('/apis/batch/v1/namespaces/team-a/jobs');
    expect(objectPath(RESOURCES.templateRuns, 'team-a', 'run-1')).toBe('/apis/greenroom.dev/v1alpha1/namespaces/team-a/templateruns/run-1');
    expect(collectionPath(RESOURCES.events, 'team-a')).toBe('/apis/events.k8s.io/v1/namespaces/team-a/events');
  });

  it('when no namespace is given, then the path is cluster-wide (all namespaces, or a cluster-scoped type)', () => {
    expect(collectionPath(RESOURCES.subjectAccessReviews)).toBe('/apis/authorization.k8s.io/v1/subjectaccessreviews');
    expect(collectionPath(RESOURCES.templates)).toBe('/apis/greenroom.dev/v1alpha1/templates');
    expect(objectPath(RESOURCES.namespaces, undefined, 'default')).toBe('/api/v1/namespaces/default');
  });

  it('when a subresource is named, then it follows the object', () => {
    expect(objectPath(RESOURCES.templateRuns, 'team-a', 'run-1', 'status')).toBe(
      '/apis/greenroom.dev/v1alpha1/namespaces/team-a/templateruns/run-1/status',
    );
  });

  it('when a name or namespace holds characters a URL reserves, then they are encoded, and the rest of the path is not', () => {
    expect(objectPath(RESOURCES.configMaps, 'a/b', 'x?y#z %')).toBe('/api/v1/namespaces/a%2Fb/configmaps/x%3Fy%23z%20%25');
  });

  it('when a catalog kind is made a resource type, then its plural comes from its definition', () => {
    for (const kind of CATALOG_KINDS) {
      expect(collectionPath(catalogResource(kind), 'team-a')).toBe(`/apis/greenroom.dev/v1alpha1/namespaces/team-a/${kind.plural}`);
    }
    expect(collectionPath(catalogResource(CATALOG_KINDS[0]!), 'team-a')).toBe('/apis/greenroom.dev/v1alpha1/namespaces/team-a/components');
  });
});
