import { parseArgs } from 'node:util';
import { z } from 'zod';

/**
 * What a flag needs beyond its zod schema, kept on the schema itself with `.meta()` so a flag
 * is one line: its key names it (`accessCacheSeconds` is `--access-cache-seconds`), its
 * `.describe()` text explains it and its `.default()` is the only default it has.
 */
export interface FlagMeta {
  /** Environment variable read when the flag is absent. */
  env?: string;
  /** What the usage shows as the flag's value (`PATH`, `NS,...`); derived from the type when absent. */
  placeholder?: string;
  /** The default as the usage shows it, when the schema's is computed per process (a host name). */
  defaultText?: string;
}

/** A command's settings: one object schema whose keys are its flags. */
export type FlagTable = z.ZodObject<Record<string, z.ZodType>>;

/** `accessCacheSeconds` → `access-cache-seconds`. */
export function flagName(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** `access-cache-seconds` → `accessCacheSeconds`. */
export function keyOfFlag(flag: string): string {
  return flag.replace(/-([a-z])/g, (_match, c: string) => c.toUpperCase());
}

/** The flag's `.meta()` and `.describe()` texts. */
export function flagMeta(schema: z.ZodType): FlagMeta & { description?: string } {
  const meta = z.globalRegistry.get(schema) ?? {};
  const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
  const found = {
    description: text(meta.description),
    env: text(meta.env),
    placeholder: text(meta.placeholder),
    defaultText: text(meta.defaultText),
  };
  return Object.fromEntries(Object.entries(found).filter(([, value]) => value !== undefined));
}

/** The schema's `.default()` as given (before transforms: `'false'`, not `false`), or undefined. */
export function flagDefault(schema: z.ZodType): unknown {
  // zod has no public accessor for a default under transforms and pipes; `_zod.def` is zod 4's
  // stable definition object (what z.toJSONSchema reads), so walk it down to the `.default()`.
  let current: z.core.$ZodType | undefined = schema;
  while (current) {
    const def = current._zod.def as { type: string; defaultValue?: unknown; in?: z.core.$ZodType; innerType?: z.core.$ZodType };
    if (def.type === 'default') return def.defaultValue;
    if (def.type === 'optional') return undefined;
    current = def.in ?? def.innerType;
  }
  return undefined;
}

/** The parseArgs options of a table: every flag takes one string, which the schema checks. */
export function flagOptions(table: FlagTable): Record<string, { type: 'string' }> {
  return Object.fromEntries(Object.keys(table.shape).map((key) => [flagName(key), { type: 'string' as const }]));
}

/** The schema's input: each key from its flag, or else from its environment variable. */
export function flagInput(
  table: FlagTable,
  values: Record<string, string | undefined>,
  env: NodeJS.ProcessEnv,
): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(table.shape).map(([key, schema]) => {
      const variable = flagMeta(schema).env;
      return [key, values[flagName(key)] ?? (variable === undefined ? undefined : env[variable])];
    }),
  );
}

/**
 * Parses flags and environment through the table once, failing with every problem named by
 * its flag, so a person reads `--docs-workers` and not the internal key.
 */
export function parseFlags<T extends FlagTable>(table: T, argv: string[], env: NodeJS.ProcessEnv): z.output<T> {
  const { values } = parseArgs({ args: argv, options: flagOptions(table) });
  const parsed = table.safeParse(flagInput(table, values as Record<string, string | undefined>, env));
  if (!parsed.success) {
    throw new Error(`invalid settings: ${parsed.error.issues.map((i) => `--${flagName(String(i.path[0]))} ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

/** The value the usage shows: the placeholder, the enum's choices, or the type's word. */
function placeholderOf(schema: z.ZodType, meta: FlagMeta): string {
  if (meta.placeholder) return meta.placeholder;
  const fallback = flagDefault(schema);
  if (typeof fallback === 'boolean') return 'true|false';
  if (typeof fallback === 'number') return 'N';
  let current: z.core.$ZodType | undefined = schema;
  while (current) {
    const def = current._zod.def as { type: string; entries?: Record<string, string>; in?: z.core.$ZodType; innerType?: z.core.$ZodType };
    if (def.type === 'enum' && def.entries) return Object.values(def.entries).join('|');
    current = def.in ?? def.innerType;
  }
  return 'VALUE';
}

const WIDTH = 100;
const INDENT = '        ';

function wrap(text: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && INDENT.length + line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.map((l) => `${INDENT}${l}`);
}

/**
 * The table as usage text, one entry a flag, in the shape Go's `flag` package prints:
 * `--name VALUE` and below it what it does, its default and its environment variable.
 */
export function flagUsage(table: FlagTable): string {
  return Object.entries(table.shape)
    .map(([key, schema]) => {
      const meta = flagMeta(schema);
      const fallback = meta.defaultText ?? flagDefault(schema);
      const notes = [
        fallback === undefined || fallback === '' ? undefined : `default ${String(fallback)}`,
        meta.env === undefined ? undefined : `env ${meta.env}`,
      ].filter((note) => note !== undefined);
      const text = [meta.description ?? '', notes.length ? `(${notes.join('; ')})` : ''].join(' ').trim();
      return [`  --${flagName(key)} ${placeholderOf(schema, meta)}`, ...wrap(text)].join('\n');
    })
    .join('\n');
}
