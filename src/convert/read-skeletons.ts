import { readSkeletonDir } from '../file-tree/skeleton.ts';
import type { SkeletonRead } from './backstage-template.ts';

/** Reads each local skeleton directory a template names; one that cannot be read is kept as its error. */
export async function readSkeletons(dirs: readonly string[]): Promise<Map<string, SkeletonRead>> {
  const read = new Map<string, SkeletonRead>();
  for (const dir of dirs) {
    try {
      read.set(dir, { files: await readSkeletonDir(dir) });
    } catch (error) {
      read.set(dir, { error: (error as Error).message });
    }
  }
  return read;
}
