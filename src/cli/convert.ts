import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { convertCatalog } from '../convert/convert-catalog.ts';
import type { ConvertedEntity } from '../convert/model.ts';
import { isNamespaceName } from '../convert/names.ts';
import { readSources } from '../convert/read-sources.ts';
import { entityFileName, renderEntity, renderYaml } from '../convert/render.ts';
import { formatReport } from '../convert/report.ts';

export const CONVERT_USAGE = `greenroom convert <file|dir>... [--namespace NS] [--out DIR]

Converts Backstage catalog files (catalog-info.yaml) into Greenroom objects. Files may
hold several documents; directories are searched recursively for *.yaml/*.yml files
that hold Backstage entities; Location entities are followed to their local targets.
Names become Kubernetes names (My_Service → my-service; the original is kept in the
greenroom.dev/backstage-name annotation) and every reference is rewritten to match.

  --namespace NS  namespace for entities in Backstage's default namespace (without it they
                  get none, and kubectl's namespace applies)
  --out DIR       write one file per object under DIR instead of one YAML stream to stdout

What could not be converted is listed on stderr with its file and the reason; the exit
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

  const sources = await readSources(positionals);
  const { entities, problems } = convertCatalog(sources.documents, { namespace: values.namespace });
  const allProblems = [...sources.problems, ...problems];
  if (values.out === undefined) io.stdout.write(renderYaml(entities));
  else await writeEntityFiles(values.out, entities);
  io.stderr.write(formatReport(allProblems, entities.length));
  return allProblems.some((problem) => problem.severity === 'skipped') ? 1 : 0;
}

async function writeEntityFiles(dir: string, entities: readonly ConvertedEntity[]): Promise<void> {
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
