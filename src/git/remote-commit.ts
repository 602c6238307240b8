import { withGit, type GitCredentials, type GitOptions } from './git-cli.ts';

/** How git may reach a remote: its credentials, the http opt-in, and how long a command may take. */
export interface RemoteAccess {
  credentials?: GitCredentials | undefined;
  /** Whether http:// remotes are allowed (--allow-http-git); https always is. */
  allowHttp: boolean;
  timeoutMs?: number | undefined;
  /** Cancels the git command (it is killed). */
  signal?: AbortSignal | undefined;
}

/** withGit's options for one remote. */
export function remoteOptions(url: string, access: RemoteAccess): GitOptions {
  return { remote: url, credentials: access.credentials, allowHttp: access.allowHttp, timeoutMs: access.timeoutMs, signal: access.signal };
}

/** A full commit id: it is its own revision, and nothing needs asking. */
export const isCommitId = (ref: string): boolean => /^[0-9a-f]{40}$/.test(ref);

/**
 * The commit `ref` names in `git ls-remote` output, resolved the way `git fetch <ref>`
 * resolves it (the exact name, then refs/, refs/tags/, refs/heads/), so a revision checked
 * this way equals the one a fetch checks out. An annotated tag gives its commit (the
 * peeled `^{}` line), not the tag object. Undefined when the remote has no such ref.
 */
export function commitOf(lsRemote: string, ref: string): string | undefined {
  const refs = new Map<string, string>();
  for (const line of lsRemote.split('\n')) {
    const [sha, name] = line.trim().split(/\s+/);
    if (sha && name && isCommitId(sha)) refs.set(name, sha);
  }
  const name = [ref, `refs/${ref}`, `refs/tags/${ref}`, `refs/heads/${ref}`].find((candidate) => refs.has(candidate));
  return name === undefined ? undefined : (refs.get(`${name}^{}`) ?? refs.get(name));
}

/**
 * The commit a branch or tag of a remote points at now, with one `git ls-remote` (no
 * clone; `ref^{}` asks for an annotated tag's commit too): how a source is checked cheaply
 * for a change. A commit id is returned as it is.
 * Undefined when the remote has no such ref; rejects (GitError) when it cannot be asked.
 */
export async function remoteCommit(url: string, ref: string, access: RemoteAccess): Promise<string | undefined> {
  if (isCommitId(ref)) return ref;
  const out = await withGit(undefined, remoteOptions(url, access), (git) => git('ls-remote', '--end-of-options', url, ref, `${ref}^{}`));
  return commitOf(out, ref);
}
