/** Where an API's definition is kept, as its spec says. */
export type DefinitionSource =
  { from: 'inline'; text: string } | { from: 'url'; url: string } | { from: 'configMap'; name: string; key: string };

/** A definition of one line that is an http(s) URL is a reference to the definition, as `greenroom convert` writes Backstage's `$text: https://…`. */
const URL_DEFINITION = /^https?:\/\/\S+$/i;

/** The source an API's spec names, or undefined when it has no definition. */
export function definitionSource(spec: Record<string, unknown>): DefinitionSource | undefined {
  const from = spec.definitionFrom as { configMapKeyRef?: { name?: unknown; key?: unknown } } | undefined;
  const ref = from?.configMapKeyRef;
  if (ref && typeof ref.name === 'string' && typeof ref.key === 'string') return { from: 'configMap', name: ref.name, key: ref.key };
  const definition = spec.definition;
  if (typeof definition !== 'string' || definition.trim() === '') return undefined;
  const trimmed = definition.trim();
  return URL_DEFINITION.test(trimmed) ? { from: 'url', url: trimmed } : { from: 'inline', text: definition };
}

/** The source as people are told where the definition came from. */
export function originOf(source: DefinitionSource, namespace: string): string {
  switch (source.from) {
    case 'inline':
      return 'spec.definition';
    case 'url':
      return source.url;
    case 'configMap':
      return `ConfigMap ${namespace}/${source.name}, key ${source.key}`;
  }
}

/** Whether two sources name the same place (an inline text is compared by content elsewhere, by digest). */
export const sameSource = (a: DefinitionSource | undefined, b: DefinitionSource | undefined): boolean =>
  JSON.stringify(a) === JSON.stringify(b);
