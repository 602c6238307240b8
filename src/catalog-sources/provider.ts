import type { GreenroomObject } from '../convert/model.ts';

/**
 * Where an entity came from: recorded on it as annotations by the sync, and shown on its
 * page ("from catalog-info.yaml at 3f2a1c0 in CatalogSource platform/backstage — edit").
 */
export interface EntityOrigin {
  /** A file's path in the repository, a directory entry's DN, or a workload as kind/namespace/name. */
  location: string;
  /** 1-based line in the file where the entity's document starts, when known. */
  line?: number;
  /** A page a person can open to change it at its source (the file on the git host), when known. */
  editUrl?: string;
}

/** One entity as a provider read it, ready to apply. */
export interface SourcedEntity {
  object: GreenroomObject;
  origin: EntityOrigin;
}

/** A file or record that could not become an entity, and why; nothing of it is applied. */
export interface SourceProblem {
  location: string;
  line?: number;
  reason: string;
}

/** Everything a source holds at one revision. */
export interface SourceSnapshot {
  /** The git commit, or a digest of the records read: the same revision means nothing changed. */
  revision: string;
  entities: SourcedEntity[];
  problems: SourceProblem[];
}

/**
 * What a kind of source (git, kubernetes, ldap — and next GitHub, GitLab, Entra ID) must
 * do: read everything it holds, within the signal's deadline. Providers know nothing of the
 * cluster's catalog: the sync (which entities to create, update, delete or leave alone
 * because someone else holds them) is decided once, for all of them, from the snapshot.
 * Every entity a provider returns is placed in the CatalogSource's namespace by the sync,
 * whatever its own metadata says, so a source never writes outside its namespace.
 */
export interface CatalogProvider {
  /**
   * The source's current revision, found cheaply (git: one ls-remote), so an unchanged
   * source is not read again; absent when there is no cheaper way than `read`.
   */
  currentRevision?(signal: AbortSignal): Promise<string>;
  /** Reads everything the source holds now. Rejects (with a message for the status) when the source cannot be read at all. */
  read(signal: AbortSignal): Promise<SourceSnapshot>;
}
