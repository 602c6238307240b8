import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startGitServer, type GitServer } from '../../src/local-cluster/git-server.ts';
import { fetchGitSkeleton } from '../../src/git/fetch-git.ts';
import { GitRemoteError } from '../../src/git/git-cli.ts';
import { hostOf } from '../../src/git/git-remote.ts';
import { publishGit } from '../../src/git/publish-git.ts';
import { SkeletonError } from '../../src/file-tree/skeleton.ts';
import { pushFiles } from '../support/git-repos.ts';
import { tempDirs } from '../support/temp-dirs.ts';

// The git the scaffolder and the docs operator run, against real git servers over HTTP:
// `home` holds the repositories the credentials are for, `attacker` is a server whoever
// writes a TemplateRun's repoUrl or a DocSource's URL could point git at. Its access log
// shows what git sent it.
const run = promisify(execFile);
const newDir = tempDirs('git-credentials-');
const bot = { username: 'bot', password: 'home-only-t0ken' };
let home: GitServer;
let attacker: GitServer;

async function rendered(): Promise<string> {
  const dir = newDir();
  await writeFile(join(dir, 'README.md'), '# orders\n');
  return dir;
}

/** Commits `files` (and a symlink) and pushes them to `url` with the plain git CLI. */
const pushRepo = (url: string, files: Record<string, string>, link?: [string, string]): Promise<void> =>
  pushFiles(newDir(), url, bot, { files, link });

beforeAll(async () => {
  home = await startGitServer({ credentials: bot });
  attacker = await startGitServer();
});
afterAll(async () => Promise.all([home.stop(), attacker.stop()]));

const homeCredentials = () => ({ ...bot, allowedHosts: [hostOf(home.url)], source: 'Secret team-a/greenroom-git' });
const sentCredentials = (server: GitServer) => server.requests.filter((r) => r.authorization !== undefined);

describe('git credentials are bound to the hosts their Secret names', () => {
  it("when a push names a host the Secret does not allow, then it fails naming that host before any request, and the attacker's server never sees an Authorization header", async () => {
    const stolen = await attacker.createRepository('stolen');
    const attempt = publishGit({ dir: await rendered(), url: stolen, credentials: homeCredentials(), allowHttp: true });
    await expect(attempt).rejects.toThrow(GitRemoteError);
    await expect(attempt).rejects.toThrow(`the credentials of Secret team-a/greenroom-git may not be sent to host ${hostOf(attacker.url)}`);
    expect(sentCredentials(attacker)).toEqual([]);
    expect(attacker.requests).toEqual([]);
  });

  it('when a skeleton fetch names a host the Secret does not allow, then it fails naming that host and the attacker sees no Authorization header', async () => {
    const lure = await attacker.createRepository('lure');
    await pushRepo(lure, { 'a.txt': 'a' });
    const before = attacker.requests.length;
    await expect(fetchGitSkeleton({ url: lure, credentials: homeCredentials(), allowHttp: true }, newDir())).rejects.toThrow(
      `may not be sent to host ${hostOf(attacker.url)}`,
    );
    expect(attacker.requests.slice(before)).toEqual([]);
  });

  it('when the Secret has no allowed-hosts annotation, then its credentials go nowhere, even to the right host, and the error says which annotation to add', async () => {
    const repo = await home.createRepository('unannotated');
    const before = home.requests.length;
    const attempt = publishGit({
      dir: await rendered(),
      url: repo,
      credentials: { ...bot, source: 'Secret team-a/greenroom-git' },
      allowHttp: true,
    });
    await expect(attempt).rejects.toThrow(
      `Secret team-a/greenroom-git has no greenroom.dev/allowed-hosts annotation, so its credentials are sent to no host; to send them to ${hostOf(home.url)}, annotate it with greenroom.dev/allowed-hosts: ${hostOf(home.url)}`,
    );
    expect(home.requests.slice(before)).toEqual([]);
  });

  it("when the host is allowed, then the push goes through with the header, and only to that repository's URL", async () => {
    const repo = await home.createRepository('allowed');
    const before = home.requests.length;
    await expect(publishGit({ dir: await rendered(), url: repo, credentials: homeCredentials(), allowHttp: true })).resolves.toMatch(
      /^[0-9a-f]{40}$/,
    );
    const sent = home.requests.slice(before);
    expect(sent.length).toBeGreaterThan(0);
    for (const request of sent) {
      expect(request.path.startsWith('/allowed.git/')).toBe(true);
      expect(request.authorization).toBe(`Basic ${Buffer.from(`${bot.username}:${bot.password}`).toString('base64')}`);
    }
  });
});

describe('git talks only https (http by opt-in), and reads only what it fetched', () => {
  it('when http is not allowed, then an http remote is refused naming --allow-http-git, before any request', async () => {
    const repo = await home.createRepository('plain');
    const before = home.requests.length;
    await expect(publishGit({ dir: await rendered(), url: repo, credentials: homeCredentials() })).rejects.toThrow(
      /uses plain http, which this operator does not allow .*--allow-http-git/,
    );
    expect(home.requests.slice(before)).toEqual([]);
  });

  it('when a skeleton URL is file:// or ext::, then it is refused, and the command ext:: names never runs', async () => {
    const local = join(newDir(), 'local.git');
    await run('git', ['init', '--bare', '--quiet', '--initial-branch=main', local]);
    await pushRepo(`file://${local}`, { 'a.txt': 'a' });
    await expect(fetchGitSkeleton({ url: `file://${local}`, allowHttp: true }, newDir())).rejects.toThrow(/is not an https:\/\/ URL/);
    await expect(fetchGitSkeleton({ url: local, allowHttp: true }, newDir())).rejects.toThrow(/is not an https:\/\/ URL/);
    const marker = join(newDir(), 'ext-ran');
    await expect(fetchGitSkeleton({ url: `ext::sh -c touch% ${marker}`, allowHttp: true }, newDir())).rejects.toThrow(
      /is not an https:\/\/ URL/,
    );
    expect(existsSync(marker)).toBe(false);
  });

  it('when skeleton.git.path is a symlink leading outside the checkout, then it is refused and nothing outside is read', async () => {
    const outside = newDir();
    await writeFile(join(outside, 'operator-secret.txt'), 'not for templates');
    const linked = await home.createRepository('linked-path');
    await pushRepo(linked, { 'docs/index.md': '# docs' }, ['escape', outside]);
    const attempt = fetchGitSkeleton({ url: linked, path: 'escape', credentials: homeCredentials(), allowHttp: true }, newDir());
    await expect(attempt).rejects.toThrow(SkeletonError);
    await expect(attempt).rejects.toThrow('skeleton.git.path escape is a symlink that leads outside the repository at main');
  });
});
