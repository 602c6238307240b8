import type { Entity } from '../../catalog/entity.ts';

/** What to call an entity on a page: its title, a person's or team's display name, else its name. */
export function displayName(e: Entity): string {
  if (typeof e.spec.title === 'string' && e.spec.title) return e.spec.title;
  const profile = e.spec.profile as { displayName?: unknown } | undefined;
  if (typeof profile?.displayName === 'string' && profile.displayName) return profile.displayName;
  return e.name;
}
