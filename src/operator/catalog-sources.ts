import type { CatalogView } from '../catalog/view.ts';
import type { CatalogEntry } from '../catalog-sources/plan.ts';
import type { OperatorConfig } from '../config.ts';
import type { ProviderFor } from '../controllers/catalog-source/reconcile.ts';
import { SourceConfigError } from '../controllers/named-secrets.ts';
import type { RawKubeClient } from '../kube/raw-client.ts';

/** The catalog entities of a namespace, as the replica's graph holds them, for a source's sync plan. */
export const catalogEntriesIn =
  (graph: Pick<CatalogView, 'all'>) =>
  (namespace: string): CatalogEntry[] => {
    const entries: CatalogEntry[] = [];
    for (const entity of graph.all())
      if (entity.namespace === namespace)
        entries.push({ kind: entity.kind, name: entity.name, labels: entity.labels, annotations: entity.annotations });
    return entries;
  };

/**
 * The provider of each kind of source, with the Secrets it names read from the source's own
 * namespace. A kind this operator has no provider for is a SourceConfigError the source's
 * status shows.
 */
export function providerFor(_client: RawKubeClient, _config: OperatorConfig): ProviderFor {
  return async (source) => {
    const kind = source.spec.git ? 'git' : source.spec.ldap ? 'ldap' : 'kubernetes';
    throw new SourceConfigError(`this operator has no ${kind} catalog provider yet`);
  };
}
