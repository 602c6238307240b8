import type { SyntheticObject } from './synthetic-catalog.ts';

/**
 * A catalog shaped like a big company rather than an even grid: every kind, a group tree
 * ten wide, and skewed choices, so that some groups own thousands of entities, some systems
 * have hundreds or thousands of parts, and a few shared resources are depended on by
 * thousands of components (each then has thousands of inverse relations). Of `size`: 1 %
 * groups, 5 % users, 0.1 % domains, 2 % systems, 5 % APIs, 10 % resources, the rest
 * components. Deterministic.
 */
export function largeCatalog(size: number, namespace: string): SyntheticObject[] {
  const count = (share: number): number => Math.max(1, Math.round(size * share));
  const groups = count(0.01);
  const users = count(0.05);
  const domains = count(0.001);
  const systems = count(0.02);
  const apis = count(0.05);
  const resources = count(0.1);
  const components = size - groups - users - domains - systems - apis - resources;
  const objects: SyntheticObject[] = [];
  const add = (kind: string, plural: string, name: string, spec: Record<string, unknown>): void => {
    objects.push({ apiVersion: 'greenroom.dev/v1alpha1', kind, plural, metadata: { name, namespace }, spec });
  };
  for (let i = 0; i < groups; i++)
    add('Group', 'groups', `team-${i}`, { type: 'team', ...(i > 0 ? { parent: `team-${Math.floor((i - 1) / 10)}` } : {}) });
  for (let i = 0; i < users; i++) add('User', 'users', `user-${i}`, { memberOf: [`team-${skewed(i, 1, groups)}`] });
  for (let i = 0; i < domains; i++) add('Domain', 'domains', `domain-${i}`, { owner: `team-${skewed(i, 2, groups)}` });
  for (let i = 0; i < systems; i++) {
    add('System', 'systems', `system-${i}`, { owner: `team-${skewed(i, 3, groups)}`, domain: `domain-${skewed(i, 4, domains)}` });
  }
  for (let i = 0; i < apis; i++) {
    add('API', 'apis', `api-${i}`, {
      type: 'openapi',
      lifecycle: 'production',
      owner: `team-${skewed(i, 5, groups)}`,
      system: `system-${skewed(i, 6, systems)}`,
    });
  }
  for (let i = 0; i < resources; i++) {
    add('Resource', 'resources', `resource-${i}`, {
      type: 'database',
      owner: `team-${skewed(i, 7, groups)}`,
      system: `system-${skewed(i, 8, systems)}`,
    });
  }
  for (let i = 0; i < components; i++) {
    // Every third component also uses one of ten shared resources: thousands of dependents each.
    const dependsOn = [`resource:resource-${skewed(i, 9, resources)}`, ...(i % 3 === 0 ? [`resource:resource-${i % 10}`] : [])];
    add('Component', 'components', `component-${i}`, {
      type: 'service',
      lifecycle: 'production',
      owner: `team-${skewed(i, 10, groups)}`,
      system: `system-${skewed(i, 11, systems)}`,
      dependsOn: [...new Set(dependsOn)],
      providesApis: [`api-${i % apis}`],
      consumesApis: [`api-${skewed(i, 12, apis)}`],
      description: `Synthetic service number ${i}`,
    });
  }
  return objects;
}

/**
 * An index below `n` for item `i`, drawn (deterministically, per `salt`) with a cubed
 * uniform variable: index 0 gets about n^(-1/3) of all draws (5 % of them when n = 2,000),
 * the tail one each or none — the skew of real ownership and dependency.
 */
export function skewed(i: number, salt: number, n: number): number {
  const u = (Math.imul(i + 1, 2654435761) ^ Math.imul(salt + 1, 40503)) >>> 0;
  return Math.min(n - 1, Math.floor(n * (u / 2 ** 32) ** 3));
}
