// Writes crds/*.yaml from the zod schemas in src/api. Run with `npm run gen:crds`; the test
// suite regenerates in memory and fails on any difference from what is committed.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderCrds } from '../src/api/render-crds.ts';
import { projectRoot } from '../src/local-cluster/binaries.ts';

const dir = join(projectRoot(), 'crds');
await mkdir(dir, { recursive: true });
for (const [file, text] of renderCrds()) {
  await writeFile(join(dir, file), text);
  process.stdout.write(`wrote crds/${file}\n`);
}
