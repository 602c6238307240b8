import { sep } from 'node:path';
import { convertAppConfigs, isAppConfig } from './app-config.ts';
import { convertTemplate, isBackstageTemplate, skeletonDirectory, type SkeletonRead } from './backstage-template.ts';
import { convertCatalog } from './convert-catalog.ts';
import type { ConvertedObject, ConvertOptions, Problem, SourceDocument } from './model.ts';

/** Everything `greenroom convert` writes, by what it is, and what it reports. */
export interface AllConverted {
  entities: ConvertedObject[];
  catalogSources: ConvertedObject[];
  /** Templates, each followed by its skeleton's ConfigMap when it has one. */
  templates: ConvertedObject[];
  problems: Problem[];
}

/** The local skeleton directories the templates among the documents name, for the caller to read. */
export function skeletonDirectories(documents: readonly SourceDocument[]): string[] {
  const dirs = documents.filter((d) => isBackstageTemplate(d.value)).map(skeletonDirectory);
  return [...new Set(dirs.filter((dir): dir is string => dir !== undefined))];
}

/** Whether a file lies in one of the directories (its own path, or below). */
const inside = (file: string, dirs: readonly string[]) => dirs.some((dir) => file === dir || file.startsWith(dir + sep));

/**
 * Sorts the documents read into what each converter takes — catalog entities, app-config
 * documents, software templates — and converts each. Files inside a template's skeleton are
 * the template's (`${{ values.name }}` is not an entity name): they are neither converted
 * nor reported as entities.
 */
export function convertAll(
  documents: readonly SourceDocument[],
  options: ConvertOptions & { skeletons: ReadonlyMap<string, SkeletonRead> },
  readProblems: readonly Problem[] = [],
): AllConverted {
  const skeletons = [...options.skeletons.keys()];
  const own = documents.filter((d) => !inside(d.file, skeletons));
  const appConfigs = own.filter((d) => isAppConfig(d.value));
  const templates = own.filter((d) => isBackstageTemplate(d.value));
  const entities = own.filter((d) => !isAppConfig(d.value) && !isBackstageTemplate(d.value));
  const catalog = convertCatalog(entities, options);
  const sources = convertAppConfigs(appConfigs, options);
  const converted = templates.map((d) => convertTemplate(d, options));
  return {
    entities: catalog.entities,
    catalogSources: sources.objects,
    templates: converted.flatMap((c) => c.objects),
    problems: [
      ...readProblems.filter((p) => !inside(p.file, skeletons)),
      ...catalog.problems,
      ...sources.problems,
      ...converted.flatMap((c) => c.problems),
    ],
  };
}
