import { createHash } from 'node:crypto';
import type { Entity } from '../../catalog/entity.ts';
import { definitionFormat } from '../../api-definitions/formats.ts';
import type { ApiDescription, DefinitionFormat, DescribeResult } from '../../api-definitions/model.ts';
import type { DefinitionShelf, ReadDefinition } from '../../api-definitions/read-definition.ts';
import type { Logger } from '../../observability/logger.ts';
import { originOf, sameSource, definitionSource, type DefinitionSource } from './source.ts';
import type { TextOutcome } from './read-text.ts';

export interface DefinitionLibraryOptions {
  readText: (source: DefinitionSource, namespace: string) => Promise<TextOutcome>;
  /** Describes a text of a format (in a bounded child process: describeInChildProcess). */
  describe: (format: DefinitionFormat, text: string) => Promise<DescribeResult>;
  logger: Logger;
  now: () => Date;
  /** How often a definition at a URL is fetched again. */
  refreshMs: number;
  /** How often a ConfigMap's definition is read again: a GET, cheap next to a fetch, so more often. */
  configMapRefreshMs?: number;
  /** Definitions described at once: each is a child process of up to --definition-memory-mb. */
  concurrency?: number;
  /** Told when what an API's definition shows changed: the leader then writes its condition. */
  onChange?: (ref: string) => void;
  /** Told when an API's description is replaced or gone (undefined): search indexes its operations. */
  onDescription?: (ref: string, namespace: string, description: ApiDescription | undefined) => void;
}

/** A definition Greenroom does not render is shown as text, up to this many characters. */
export const MAX_SHOWN_TEXT = 64 * 1024;
const DEFAULT_CONFIG_MAP_REFRESH_MS = 60_000;

interface Entry {
  namespace: string;
  source: DefinitionSource;
  format: DefinitionFormat | undefined;
  shown: ReadDefinition;
  /** Bumped whenever the API changes, so a read that finishes after a newer one started is dropped. */
  round: number;
  timer?: NodeJS.Timeout | undefined;
}

const digestOf = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * Every API's definition as this replica holds it: read from where the API keeps it, described
 * by its format's parser in a child process, and kept until the API changes; definitions at a
 * URL or in a ConfigMap are read again on an interval, and described again only when their
 * text changed. Every replica keeps its own (the dashboard of each serves it); the leader's
 * also decides the DefinitionResolved condition (controller.ts).
 */
export class DefinitionLibrary implements DefinitionShelf {
  private readonly entries = new Map<string, Entry>();
  private readonly options: DefinitionLibraryOptions;
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private stopped = false;

  constructor(options: DefinitionLibraryOptions) {
    this.options = options;
  }

  definitionOf(ref: string): ReadDefinition | undefined {
    return this.entries.get(ref)?.shown;
  }

  /** The refs of every API with a definition. */
  refs(): string[] {
    return [...this.entries.keys()];
  }

  /** An entity changed: an API whose definition's source, text or type changed is read again. */
  entityChanged(entity: Entity): void {
    if (entity.kind !== 'API' || this.stopped) return;
    const source = definitionSource(entity.spec);
    const format = definitionFormat(String(entity.spec.type ?? ''));
    const before = this.entries.get(entity.ref);
    if (!source) return this.entityRemoved(entity.ref);
    if (before && sameSource(before.source, source) && before.format === format && before.namespace === entity.namespace) return;
    clearTimeout(before?.timer);
    const entry: Entry = {
      namespace: entity.namespace,
      source,
      format,
      // What was shown stays shown (marked as being read) until the new read is in.
      shown: { ...(before?.shown ?? {}), origin: originOf(source, entity.namespace), format, reading: true },
      round: (before?.round ?? 0) + 1,
    };
    this.entries.set(entity.ref, entry);
    this.options.onChange?.(entity.ref);
    void this.read(entity.ref, entry.round);
  }

  entityRemoved(ref: string): void {
    const entry = this.entries.get(ref);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.entries.delete(ref);
    if (entry.shown.description) this.options.onDescription?.(ref, entry.namespace, undefined);
    this.options.onChange?.(ref);
  }

  /** Stops every planned re-read; reads under way finish and are dropped. */
  stop(): void {
    this.stopped = true;
    for (const entry of this.entries.values()) clearTimeout(entry.timer);
  }

  private current(ref: string, round: number): Entry | undefined {
    const entry = this.entries.get(ref);
    return entry && entry.round === round && !this.stopped ? entry : undefined;
  }

  private async read(ref: string, round: number): Promise<void> {
    const entry = this.entries.get(ref)!;
    let outcome: TextOutcome;
    try {
      outcome = await this.options.readText(entry.source, entry.namespace);
    } catch (error) {
      outcome = { failure: { reason: 'FetchFailed', message: `the definition could not be read: ${(error as Error).message}` } };
    }
    if (!this.current(ref, round)) return;
    const readAt = this.options.now().toISOString();
    if ('failure' in outcome) {
      this.show(ref, round, { ...entry.shown, reading: false, failure: outcome.failure, readAt });
    } else {
      const digest = digestOf(outcome.text);
      const unchanged = digest === entry.shown.digest && !entry.shown.failure && !entry.shown.reading;
      if (unchanged) this.show(ref, round, { ...entry.shown, readAt });
      else await this.describe(ref, round, outcome.text, digest, readAt);
    }
    this.planNextRead(ref, round);
  }

  private async describe(ref: string, round: number, text: string, digest: string, readAt: string): Promise<void> {
    const entry = this.entries.get(ref)!;
    const base: ReadDefinition = {
      origin: entry.shown.origin,
      format: entry.format,
      reading: false,
      digest,
      bytes: Buffer.byteLength(text),
      readAt,
    };
    if (entry.format === undefined) return this.show(ref, round, { ...base, text: text.slice(0, MAX_SHOWN_TEXT) });
    const result = await this.withSlot(() => this.options.describe(entry.format!, text)).catch(
      (error: Error & { limit?: string }): { failure: ReadDefinition['failure'] } => ({
        failure: { reason: error.limit ? 'LimitExceeded' : 'DefinitionInvalid', message: error.message },
      }),
    );
    // A definition that no longer reads keeps showing the last one that did, beside why.
    const kept = { description: entry.shown.description, warnings: entry.shown.warnings };
    if ('failure' in result) return this.show(ref, round, { ...base, ...kept, failure: result.failure });
    if ('problems' in result) {
      const first = result.problems[0];
      const where = first?.line ? `line ${first.line}${first.column ? `, column ${first.column}` : ''}: ` : '';
      return this.show(ref, round, {
        ...base,
        ...kept,
        failure: {
          reason: 'DefinitionInvalid',
          message: `${where}${first?.message ?? 'the definition could not be read'}`,
          problems: result.problems,
        },
      });
    }
    this.show(ref, round, { ...base, description: result.description, warnings: result.warnings });
  }

  private show(ref: string, round: number, shown: ReadDefinition): void {
    const entry = this.current(ref, round);
    if (!entry) return;
    const replaced = entry.shown.description !== shown.description;
    entry.shown = shown;
    if (replaced) this.options.onDescription?.(ref, entry.namespace, shown.description);
    this.options.onChange?.(ref);
  }

  private planNextRead(ref: string, round: number): void {
    const entry = this.current(ref, round);
    if (!entry || entry.source.from === 'inline') return;
    const afterMs =
      entry.source.from === 'url' ? this.options.refreshMs : (this.options.configMapRefreshMs ?? DEFAULT_CONFIG_MAP_REFRESH_MS);
    entry.timer = setTimeout(() => void this.read(ref, round), afterMs);
    entry.timer.unref();
  }

  /** Runs `work` once fewer than `concurrency` describes are running. */
  private async withSlot<T>(work: () => Promise<T>): Promise<T> {
    const concurrency = this.options.concurrency ?? 1;
    if (this.running >= concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running += 1;
    try {
      return await work();
    } finally {
      this.running -= 1;
      this.waiting.shift()?.();
    }
  }
}
