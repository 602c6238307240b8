import { cp } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { publishGit } from '../../src/git/publish-git.ts';
import type { GitServer } from '../../src/local-cluster/git-server.ts';

/**
 * A directory of the project (sample docs, a test fixture) as a new repository of a local git
 * server: copied to `work` (publishing commits there) and pushed. Answers the repository's URL.
 */
export async function publishCopy(server: GitServer, repository: string, source: URL, work: string): Promise<string> {
  const url = await server.createRepository(repository);
  await cp(fileURLToPath(source), work, { recursive: true });
  await publishGit({ dir: work, url, allowHttp: true });
  return url;
}
