import { isRecord } from './model.ts';

/**
 * Backstage substitutes `{$text: ./openapi.yaml}` (and `$json`, `$yaml`) with the file's
 * content when it reads an entity; API definitions are usually written this way.
 */
export type PlaceholderKey = '$text' | '$json' | '$yaml';

export interface Placeholder {
  key: PlaceholderKey;
  target: string;
}

const KEYS: readonly string[] = ['$text', '$json', '$yaml'];

/** The placeholder a value is, if it is one: a mapping with a single `$text`, `$json` or `$yaml` key. */
export function placeholderOf(value: unknown): Placeholder | undefined {
  if (!isRecord(value)) return undefined;
  const entries = Object.entries(value);
  const [key, target] = entries[0] ?? [];
  if (entries.length !== 1 || key === undefined || !KEYS.includes(key) || typeof target !== 'string') return undefined;
  return { key: key as PlaceholderKey, target };
}

/** Whether a location is a URL rather than a file path (a Windows drive letter is not a scheme). */
export function isUrl(target: string): boolean {
  return /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(target);
}

/**
 * Replaces every placeholder in a document by what `resolve` gives for it; where it gives
 * undefined, the placeholder stays, so the converter can say what was not resolved.
 */
export async function replacePlaceholders(value: unknown, resolve: (placeholder: Placeholder) => Promise<unknown>): Promise<unknown> {
  const placeholder = placeholderOf(value);
  if (placeholder) return (await resolve(placeholder)) ?? value;
  if (Array.isArray(value)) return Promise.all(value.map((item) => replacePlaceholders(item, resolve)));
  if (!isRecord(value)) return value;
  const entries = await Promise.all(
    Object.entries(value).map(async ([key, item]) => [key, await replacePlaceholders(item, resolve)] as const),
  );
  return Object.fromEntries(entries);
}
