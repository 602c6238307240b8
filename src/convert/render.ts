import { stringify } from 'yaml';
import type { ConvertedObject, OutputObject } from './model.ts';

/** One YAML document, headed by a comment naming the Backstage file it came from. */
export function renderEntity(entity: ConvertedObject): string {
  // lineWidth 0: folding long descriptions and definitions would only make diffs noisier.
  return `# from ${entity.source.file} (document ${entity.source.document})\n${stringify(entity.object, { lineWidth: 0 })}`;
}

/** All converted objects as one multi-document YAML stream, ready for `kubectl apply -f -`. */
export function renderYaml(entities: readonly ConvertedObject[]): string {
  return entities.map(renderEntity).join('---\n');
}

/** Where `--out DIR` writes an object: `[namespace/]kind-name.yaml` (names are unique per kind and namespace). */
export function entityFileName(object: OutputObject): string {
  const file = `${object.kind.toLowerCase()}-${object.metadata.name}.yaml`;
  return object.metadata.namespace ? `${object.metadata.namespace}/${file}` : file;
}
