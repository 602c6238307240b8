import { Api } from './api-entity.ts';
import type { CatalogKind } from './catalog-kind.ts';
import { Component } from './component.ts';
import { Domain } from './domain.ts';
import { Group } from './group.ts';
import { Resource } from './resource.ts';
import { System } from './system.ts';
import { User } from './user.ts';

export * from './group-version.ts';
export * from './relations.ts';
export * from './resources.ts';
export type { CatalogKind } from './catalog-kind.ts';
export type { ReferenceField } from './reference-fields.ts';
export type { Condition, EntityStatus, Relation } from './common.ts';

/** The seven catalog kinds, in the order the portal lists them. */
export const CATALOG_KINDS: readonly CatalogKind[] = [Component, Api, Resource, System, Domain, Group, User];

const byLowerName = new Map(CATALOG_KINDS.map((k) => [k.kind.toLowerCase(), k]));

/** Looks a catalog kind up by name, case-insensitively (`component`, `API`). */
export function catalogKind(name: string): CatalogKind | undefined {
  return byLowerName.get(name.toLowerCase());
}
