import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fetchedObjects } from './fetch-git.ts';
import { GitError, withGit } from './git-cli.ts';
import { remoteOptions, type RemoteAccess } from './remote-commit.ts';

/** What one checkout may hold: files and directories, bytes of one file, bytes of all the files written. */
export interface CheckoutLimits {
  maxObjects: number;
  maxFileBytes: number;
  maxTotalBytes: number;
}

/** A checkout made within its limits: the commit, and each file of it left out with why. */
export interface BoundedCheckout {
  commit: string;
  /** Path → why it is not in the checkout (too large, or past the bytes all files may take). */
  withheld: Map<string, string>;
}

/** A file of a commit's tree, as `git ls-tree -r` lists it. */
export interface TreeFile {
  path: string;
  object: string;
}

/** Catalog files (and the YAML placeholders name) are written first when not everything fits. */
const YAML_FILE = /\.ya?ml$/i;

/** The blobs (files and symlinks) of `git ls-tree -r -z` output; submodules (commits) are left out. */
export function treeFiles(lsTree: string): TreeFile[] {
  const files: TreeFile[] = [];
  for (const line of lsTree.split('\0')) {
    const tab = line.indexOf('\t');
    const [, type, object] = line.slice(0, tab).split(' ');
    if (tab > 0 && type === 'blob' && object) files.push({ path: line.slice(tab + 1), object });
  }
  return files;
}

/** Object → size of the blobs `git cat-file --batch-check='%(objectname) %(objecttype) %(objectsize)'` lists. */
export function blobSizes(batchCheck: string): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const line of batchCheck.split('\n')) {
    const [object, type, size] = line.trim().split(' ');
    if (object && type === 'blob' && size !== undefined) sizes.set(object, Number(size));
  }
  return sizes;
}

/**
 * Which files of a commit are written, and which are left out: a file whose blob was not
 * fetched (the server left it out as too large) or is larger than maxFileBytes, and, once
 * the files written would pass maxTotalBytes, every further one — YAML files first, then
 * the others, each in path order, so the catalog files are the last to be left out.
 */
export function checkoutPlan(files: readonly TreeFile[], sizes: ReadonlyMap<string, number>, limits: CheckoutLimits) {
  const withheld = new Map<string, string>();
  const fitting: (TreeFile & { size: number })[] = [];
  for (const file of files) {
    const size = sizes.get(file.object);
    if (size === undefined) withheld.set(file.path, `it has more than the ${limits.maxFileBytes} bytes a catalog file may have`);
    else if (size > limits.maxFileBytes)
      withheld.set(file.path, `it has ${size} bytes, more than the ${limits.maxFileBytes} a catalog file may have`);
    else fitting.push({ ...file, size });
  }
  const rank = (path: string) => (YAML_FILE.test(path) ? 0 : 1);
  fitting.sort((a, b) => rank(a.path) - rank(b.path) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const write: string[] = [];
  let total = 0;
  for (const file of fitting) {
    if (total + file.size > limits.maxTotalBytes) {
      withheld.set(file.path, `it was not checked out: the repository's files pass the ${limits.maxTotalBytes} bytes a checkout may write`);
      continue;
    }
    total += file.size;
    write.push(file.path);
  }
  return { write, withheld };
}

/**
 * Checks out a ref of a remote, one commit deep, into `dir` (made and removed by the caller),
 * writing no file larger than maxFileBytes and no more than maxTotalBytes in all. The fetch
 * asks the server to leave out larger blobs (a partial clone, `--filter=blob:limit`; a server
 * that does not filter sends them, and they are still not written), git never fetches a
 * missing one later (GIT_NO_LAZY_FETCH), and only the files checkoutPlan keeps are checked
 * out. A commit of more than maxObjects files and directories is refused before anything is
 * written.
 */
export async function boundedCheckout(
  dir: string,
  url: string,
  ref: string,
  access: RemoteAccess,
  limits: CheckoutLimits,
): Promise<BoundedCheckout> {
  return withGit(dir, remoteOptions(url, access), async (git) => {
    await git('init', '--quiet');
    await git('fetch', '--quiet', '--depth=1', `--filter=blob:limit=${limits.maxFileBytes + 1}`, '--end-of-options', url, ref);
    const objects = fetchedObjects(await git('count-objects', '-v'));
    if (objects > limits.maxObjects)
      throw new GitError(
        `${ref} holds ${objects} files and directories, more than the ${limits.maxObjects} a checkout may have; nothing was checked out`,
      );
    // FETCH_HEAD is a tag object when the ref is an annotated tag: the commit is what is read.
    const commit = await git('rev-parse', '--verify', '--end-of-options', 'FETCH_HEAD^{commit}');
    const files = treeFiles(await git('ls-tree', '-r', '-z', '--full-tree', commit));
    const sizes = blobSizes(await git('cat-file', '--batch-all-objects', '--batch-check=%(objectname) %(objecttype) %(objectsize)'));
    const { write, withheld } = checkoutPlan(files, sizes, limits);
    if (write.length > 0) {
      // The paths go in a file in git's own directory (not the work tree being read), taken literally (no globbing).
      const pathspec = join(await git('rev-parse', '--absolute-git-dir'), 'greenroom-checkout-paths');
      await writeFile(pathspec, write.map((path) => `${path}\0`).join(''));
      await git('--literal-pathspecs', 'checkout', '--quiet', commit, `--pathspec-from-file=${pathspec}`, '--pathspec-file-nul');
    }
    return { commit, withheld };
  });
}
