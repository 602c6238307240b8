import { afterAll } from '@jest/globals';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { createLogger, type Logger } from '../../src/observability/logger.ts';
import { startGitServer, type GitServer } from '../../src/local-cluster/git-server.ts';
import { ALLOWED_HOSTS_ANNOTATION, hostOf } from '../../src/git/git-remote.ts';
import type { TemplateRunObject } from '../../src/api/objects.ts';
import { kubectl } from './kubectl.ts';
import { eventually } from './operator.ts';

const run = promisify(execFile);
export const GIT_USER = { username: 'scaffolder-bot', password: 'not-in-status-s3cret' };
const golden = fileURLToPath(new URL('../../templates/', import.meta.url));

/** A git server with basic auth for the file's tests, stopped after them. */
export function gitServers(): () => Promise<GitServer> {
  const started: GitServer[] = [];
  afterAll(async () => Promise.all(started.map((s) => s.stop())));
  return async () => {
    const server = await startGitServer({ credentials: GIT_USER });
    started.push(server);
    return server;
  };
}

/** A namespace with the golden-path templates, their skeletons, the git Secret and a team to own things. */
export async function templateNamespace(namespace: string): Promise<void> {
  await kubectl(['create', 'namespace', namespace]);
  for (const dir of ['typescript-service', 'docs-site']) {
    for (const file of ['template.yaml', 'skeleton.configmap.yaml'])
      await kubectl(['apply', '-n', namespace, '-f', '-'], readFileSync(join(golden, dir, file), 'utf8'));
  }
  await gitSecret(namespace);
  await kubectl(
    ['apply', '-n', namespace, '-f', '-'],
    [
      'Group/team-storefront/{type: team, title: Storefront}',
      'System/storefront/{owner: team-storefront}',
      'Group/team-platform/{type: team}',
    ]
      .map((line) => {
        const [kind, name, spec] = line.split('/');
        return `apiVersion: greenroom.dev/v1alpha1\nkind: ${kind}\nmetadata: {name: ${name}}\nspec: ${spec}\n`;
      })
      .join('---\n'),
  );
}

/**
 * The Secret `greenroom-git` with GIT_USER's credentials; bound to the git server's host when
 * its URL is given (without it the operator sends the credentials nowhere).
 */
export async function gitSecret(namespace: string, gitUrl?: string, run: (args: string[]) => Promise<string> = kubectl): Promise<void> {
  await run([
    'create',
    'secret',
    'generic',
    'greenroom-git',
    '-n',
    namespace,
    `--from-literal=username=${GIT_USER.username}`,
    `--from-literal=password=${GIT_USER.password}`,
  ]);
  if (gitUrl)
    await run(['annotate', '--overwrite', 'secret', 'greenroom-git', '-n', namespace, `${ALLOWED_HOSTS_ANNOTATION}=${hostOf(gitUrl)}`]);
}

/**
 * Lets a git Secret's credentials go to a git server: its greenroom.dev/allowed-hosts
 * annotation names the server's host:port. Without it the operator sends them nowhere.
 */
export async function allowGitHost(namespace: string, urls: string | string[], secret = 'greenroom-git'): Promise<void> {
  const hosts = (Array.isArray(urls) ? urls : [urls]).map(hostOf).join(',');
  await kubectl(['annotate', '--overwrite', 'secret', secret, '-n', namespace, `${ALLOWED_HOSTS_ANNOTATION}=${hosts}`]);
}

/** Applies a Template (owned by team-platform unless the spec says otherwise) into the namespace. */
export async function applyTemplate(namespace: string, name: string, spec: Record<string, unknown>): Promise<void> {
  await kubectl(
    ['apply', '-n', namespace, '-f', '-'],
    JSON.stringify({
      apiVersion: 'greenroom.dev/v1alpha1',
      kind: 'Template',
      metadata: { name },
      spec: { owner: 'team-platform', ...spec },
    }),
  );
}

/** Creates a TemplateRun; `templateNamespace` when the Template lives in another namespace. */
export async function createRun(
  namespace: string,
  name: string,
  template: string,
  values: Record<string, unknown>,
  templateNamespace?: string,
): Promise<void> {
  const templateRef = templateNamespace ? { name: template, namespace: templateNamespace } : { name: template };
  await kubectl(
    ['create', '-f', '-'],
    JSON.stringify({
      apiVersion: 'greenroom.dev/v1alpha1',
      kind: 'TemplateRun',
      metadata: { name, namespace },
      spec: { templateRef, values },
    }),
  );
}

/** A debug logger whose every line is kept, to check what an operator wrote to its log. */
export function capturedLogs(): { logger: Logger; text: () => string } {
  let text = '';
  const stream = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      text += chunk.toString();
      done();
    },
  });
  return { logger: createLogger('debug', stream), text: () => text };
}

/** Every Event about the object, as JSON text (what `kubectl describe` would show of them). */
export async function eventsAbout(namespace: string, name: string): Promise<string> {
  return kubectl(['get', 'events.events.k8s.io', '-n', namespace, '--field-selector', `regarding.name=${name}`, '-o', 'json']);
}

export async function getRun(namespace: string, name: string): Promise<TemplateRunObject> {
  return JSON.parse(await kubectl(['get', 'templaterun', name, '-n', namespace, '-o', 'json'])) as TemplateRunObject;
}

/** Waits for the run to finish (Succeeded or Failed) and returns it. */
export async function finished(namespace: string, name: string, timeoutMs = 60_000): Promise<TemplateRunObject> {
  return eventually(
    `TemplateRun ${name} to finish`,
    async () => {
      const object = await getRun(namespace, name);
      return object.status?.phase === 'Succeeded' || object.status?.phase === 'Failed' ? object : undefined;
    },
    timeoutMs,
  );
}

/** Clones what a run pushed, with the server's credentials. */
export async function cloneOf(remote: string, into: string): Promise<string> {
  const dir = join(into, 'clone');
  await run('git', ['clone', '--quiet', remote.replace('http://', `http://${GIT_USER.username}:${GIT_USER.password}@`), dir]);
  return dir;
}

/**
 * A "git server" that accepts connections and never answers: it keeps a scaffolder busy in
 * its first git command. `sockets` are the connections made, `closed` those since ended.
 */
export async function silentGitServer(): Promise<{ url: string; sockets: Socket[]; closed: Socket[]; close: () => void }> {
  const sockets: Socket[] = [];
  const closed: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.resume(); // read (and drop) what comes, so the end of the connection is seen
    socket.on('close', () => closed.push(socket));
  }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/skeletons.git`;
  return {
    url,
    sockets,
    closed,
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}
