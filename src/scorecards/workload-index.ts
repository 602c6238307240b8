import { bindsTo, type WorkloadObject } from './facts.ts';

/**
 * Workloads by the entity they bind to (`namespace/name`), kept up to date one workload at a
 * time. Scoring a scorecard asks every entity for its workloads, so a scan per question is
 * quadratic; and Deployments change all the time (every status update), so rebuilding the
 * whole index on each change would cost as much.
 */
export class WorkloadIndex {
  private readonly byEntity = new Map<string, Map<string, WorkloadObject>>();
  /** Workload id (`Kind/namespace/name`) → the entity (and its key) it is filed under. */
  private readonly filedUnder = new Map<string, { key: string; entity: string }>();

  /**
   * Records what the caches now hold for one workload: its current version (`kind` set), or
   * undefined once it is gone. A workload whose labels changed moves to the entity it names now.
   * Returns the entity it was bound to before when that is another one (or it binds to none
   * now): that entity's facts changed too, though the event names only the new binding.
   */
  update(kind: string, namespace: string, name: string, current: WorkloadObject | undefined): string | undefined {
    const id = `${kind}/${namespace}/${name}`;
    const before = this.filedUnder.get(id);
    if (before !== undefined) {
      const bucket = this.byEntity.get(before.key)!;
      bucket.delete(id);
      if (bucket.size === 0) this.byEntity.delete(before.key);
      this.filedUnder.delete(id);
    }
    const entity = current && bindsTo(current);
    const left = before !== undefined && before.entity !== entity ? before.entity : undefined;
    if (!current || !entity) return left;
    const key = `${namespace}/${entity}`;
    const bucket = this.byEntity.get(key) ?? new Map<string, WorkloadObject>();
    bucket.set(id, current);
    this.byEntity.set(key, bucket);
    this.filedUnder.set(id, { key, entity });
    return left;
  }

  /** The workloads bound to the entity `name` in `namespace`. */
  of(namespace: string, name: string): WorkloadObject[] {
    return [...(this.byEntity.get(`${namespace}/${name}`)?.values() ?? [])];
  }
}
