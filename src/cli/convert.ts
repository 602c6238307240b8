import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { APP_CONFIG_FILE } from '../convert/app-config.ts';
import { convertAll, skeletonDirectories } from '../convert/convert-all.ts';
import type { ConvertedObject } from '../convert/model.ts';
import { isNamespaceName } from '../convert/names.ts';
import { readSkeletons } from '../convert/read-skeletons.ts';
import { readSources } from '../convert/read-sources.ts';
import { entityFileName, renderEntity, renderYaml } from '../convert/render.ts';
import { formatReport } from '../convert/report.ts';

export const CONVERT_USAGE = `greenroom convert <file|dir>... [--namespace NS] [--out DIR]

Converts Backstage catalog files (catalog-info.yaml) into Greenroom objects. Files may
hold several documents; directories are searched recursively for *.yaml/*.yml files
that hold Backstage entities, and for app-config*.yaml; Location entities are followed
to their local targets. Names become Kubernetes names (My_Service → my-service; the
original is kept in the greenroom.dev/backstage-name annotation) and every reference is
rewritten to match.

Also converted:
  app-config.yaml    catalog.locations of type url (GitHub, GitLab, Bitbucket, Azure URLs)
                     become git CatalogSources, one per repository and ref; an ldapOrg
                     provider an ldap CatalogSource. Secrets are never copied: the
                     source names a Secret and the report says which keys to put in it.
  software templates scaffolder.backstage.io/v1beta3 Templates become Greenroom Templates:
                     parameter pages merged into one JSON Schema, fetch:template → render
                     (a local skeleton becomes a ConfigMap), publish:* → publish:git,
                     catalog:register → register, \${{ parameters.x }} → \${{ values.x }}.

  --namespace NS  namespace for entities in Backstage's default namespace (without it they
                  get none, and kubectl's namespace applies)
  --out DIR       write one file per object under DIR instead of one YAML stream to stdout

What could not be converted (an entity, a location, a provider, a template's step, field or
filter) is listed on stderr with its file and the reason, with the Secrets to create; the exit
code is 1 when anything was skipped (the rest is still written), 2 on a usage error.`;

/** Where `greenroom convert` writes: YAML (or nothing, with --out) to stdout, the report to stderr. */
export interface ConvertIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/** `greenroom convert`: Backstage entities in, Greenroom objects out. Resolves to the exit code. */
export async function runConvert(argv: string[], io: ConvertIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { namespace: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    return usageError(io, (error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(`${CONVERT_USAGE}\n`);
    return 0;
  }
  if (positionals.length === 0) return usageError(io, 'name at least one file or directory');
  if (values.namespace !== undefined && !isNamespaceName(values.namespace)) {
    return usageError(io, `--namespace "${values.namespace}" is not a Kubernetes namespace name`);
  }

  const sources = await readSources(positionals, undefined, { alsoWalked: APP_CONFIG_FILE });
  const skeletons = await readSkeletons(skeletonDirectories(sources.documents));
  const converted = convertAll(sources.documents, { namespace: values.namespace, skeletons }, sources.problems);
  const objects = [...converted.entities, ...converted.catalogSources, ...converted.templates];
  if (values.out === undefined) io.stdout.write(renderYaml(objects));
  else await writeEntityFiles(values.out, objects);
  io.stderr.write(formatReport(converted.problems, converted.entities.length, countsByKind(converted.catalogSources, converted.templates)));
  return converted.problems.some((problem) => problem.severity === 'skipped') ? 1 : 0;
}

/** `2 CatalogSources`, `1 Template`, `1 ConfigMap`: what was converted beside entities, by kind. */
function countsByKind(...groups: (readonly ConvertedObject[])[]): string[] {
  const counts = new Map<string, number>();
  for (const { object } of groups.flat()) counts.set(object.kind, (counts.get(object.kind) ?? 0) + 1);
  return [...counts].map(([kind, n]) => `${n} ${kind}${n === 1 ? '' : 's'}`);
}

async function writeEntityFiles(dir: string, entities: readonly ConvertedObject[]): Promise<void> {
  for (const entity of entities) {
    const file = join(dir, entityFileName(entity.object));
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, renderEntity(entity));
  }
}

function usageError(io: ConvertIo, message: string): number {
  io.stderr.write(`greenroom convert: ${message}\n\nusage: ${CONVERT_USAGE}\n`);
  return 2;
}
