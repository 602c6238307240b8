/**
 * Argo CD Applications and Flux Kustomizations/HelmReleases, watched only when the cluster
 * serves them (API discovery at start): a cluster without either costs nothing and logs no
 * errors. They never hold up readiness — delivery health is an addition to the Runtime tab,
 * and a cluster that forbids reading them must not keep a replica unready.
 */
import type { ResourceKind } from '../../api/v1alpha1/resources.ts';
import type { Logger } from '../../observability/logger.ts';
import type { ControllerContext } from '../../runtime/context.ts';
import type { Source, WatchedObject } from '../../runtime/source.ts';
import { pruneDelivery } from './objects.ts';
import { deliveryFor, deliveryResourcesPresent, type DeliveryEntity, type DeliveryStatus } from './delivery.ts';

export class DeliveryWatch {
  private readonly context: ControllerContext;
  private readonly log: Logger;
  private readonly sources: Source<WatchedObject>[] = [];
  private stopped = false;

  constructor(context: ControllerContext) {
    this.context = context;
    this.log = context.logger.child({ component: 'runtime-delivery' });
  }

  /** Discovers the delivery kinds served and starts watching them; resolves after discovery, not after their first lists. */
  async start(): Promise<void> {
    let kinds: ResourceKind[];
    try {
      kinds = await deliveryResourcesPresent(this.context.client);
    } catch (error) {
      this.log.warn({ err: error }, 'could not discover Argo CD or Flux resources; the Runtime tab shows no delivery health');
      return;
    }
    if (this.stopped) return;
    for (const kind of kinds) {
      const source = this.context.watch<WatchedObject>(kind, {
        name: `runtime-${kind.group}-${kind.plural}`,
        transform: (o) => pruneDelivery(o) as WatchedObject,
      });
      this.sources.push(source);
      source.start().catch((error: unknown) => this.log.warn({ err: error, kind: kind.kind }, 'could not watch a delivery kind'));
    }
    if (kinds.length > 0) this.log.info({ kinds: kinds.map((k) => `${k.kind}.${k.group}`) }, 'watching delivery health');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.sources.map((s) => s.stop()));
  }

  /** The delivery objects bound to the entity, failing first (see deliveryFor). */
  of(entity: DeliveryEntity): DeliveryStatus[] {
    if (this.sources.length === 0) return [];
    return deliveryFor(
      entity,
      this.sources.flatMap((s) => s.list()),
    );
  }
}
