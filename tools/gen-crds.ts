// Writes crds/*.yaml from the zod schemas in src/api, and the same files into the Helm
// chart (helm/greenroom/files/crds/, which the chart renders with resource-policy keep).
// Run with `npm run gen:crds`; the test suite regenerates in memory and fails on any
// difference from what is committed in either place.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CRD_DIRECTORIES, renderCrds } from '../src/api/render-crds.ts';
import { projectRoot } from '../src/local-cluster/binaries.ts';

for (const relative of CRD_DIRECTORIES) {
  const dir = join(projectRoot(), relative);
  await mkdir(dir, { recursive: true });
  for (const [file, text] of renderCrds()) {
    await writeFile(join(dir, file), text);
    process.stdout.write(`wrote ${relative}/${file}\n`);
  }
}
