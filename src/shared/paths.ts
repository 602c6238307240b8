import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository (or image) root: the directory holding Greenroom's package.json. Found by
 * walking up from this file, so it works from src/ (run by Node directly) and from dist/.
 */
export function projectRoot(from: string = fileURLToPath(import.meta.url)): string {
  let dir = dirname(from);
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const name = (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name;
      if (name === 'greenroom') return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no greenroom package.json above ${from}`);
    dir = parent;
  }
}
