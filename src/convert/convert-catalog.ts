import { backstageRef, convertEntity } from './convert-entity.ts';
import { isLocation } from './locations.ts';
import {
  BACKSTAGE_NAME_ANNOTATION,
  type ConvertedEntity,
  type ConvertOptions,
  type ConvertResult,
  type Problem,
  type SourceDocument,
} from './model.ts';

/**
 * Converts every Backstage entity read from the sources. Each one that cannot be converted
 * is reported with its file and the reason; the others are returned in source order.
 * Location entities were followed when the sources were read and are not converted.
 */
export function convertCatalog(documents: readonly SourceDocument[], options: ConvertOptions = {}): ConvertResult {
  const entities: ConvertedEntity[] = [];
  const problems: Problem[] = [];
  // Two Backstage names can map to one Kubernetes name (`My_Service`, `my-service`): as in
  // Backstage's own conflict handling, the first one read keeps it.
  const taken = new Map<string, ConvertedEntity>();
  for (const { file, document, line, value } of documents) {
    if (value === null || value === undefined || isLocation(value)) continue;
    const entity = backstageRef(value);
    const where = { file, document, ...(line === undefined ? {} : { line }) };
    const at = { ...where, ...(entity === undefined ? {} : { entity }) };
    const result = convertEntity(value, options);
    if ('skipped' in result) {
      problems.push({ severity: 'skipped', ...at, message: result.skipped });
      continue;
    }
    const { kind, metadata } = result.object;
    const key = `${kind}:${metadata.namespace ?? ''}/${metadata.name}`;
    const holder = taken.get(key);
    if (holder) {
      const other = holder.object.metadata.annotations[BACKSTAGE_NAME_ANNOTATION];
      problems.push({
        severity: 'skipped',
        ...at,
        message: `maps to ${kind} "${metadata.name}", already taken by "${other}" from ${holder.source.file} (document ${holder.source.document})`,
      });
      continue;
    }
    const converted = { object: result.object, source: where };
    taken.set(key, converted);
    entities.push(converted);
    problems.push(...result.warnings.map((message): Problem => ({ severity: 'warning', ...at, message })));
  }
  return { entities, problems };
}
