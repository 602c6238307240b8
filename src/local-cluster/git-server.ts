import { spawn, execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** One request the server received, as its access log keeps it. */
export interface GitRequest {
  method: string;
  path: string;
  /** The Authorization header as sent, if any: tests check that credentials went nowhere else. */
  authorization: string | undefined;
}

/** A git server over HTTP on loopback: the real `git http-backend`, behind a tiny CGI shim. */
export interface GitServer {
  /** http://ADDRESS:PORT (127.0.0.1 unless `address` was given) — repositories are at `${url}/<name>.git`. */
  url: string;
  /** Directory holding the bare repositories. */
  root: string;
  /** Every request received, in order (the access log). */
  requests: GitRequest[];
  /** Creates an empty bare repository that accepts pushes and filtered fetches; returns its clone URL. */
  createRepository(name: string): Promise<string>;
  stop(): Promise<void>;
}

export interface GitServerOptions {
  /** When set, every request needs HTTP basic auth with these credentials. */
  credentials?: { username: string; password: string };
  /**
   * The address to listen on; loopback by default. Pods on a real node cannot reach the
   * host's loopback, so a test that pushes from a Job's pod gives the host's address
   * (`hostAddress()` of node.ts) — never 0.0.0.0, which would serve every interface.
   */
  address?: string;
}

function authorised(req: IncomingMessage, credentials: GitServerOptions['credentials']): boolean {
  if (!credentials) return true;
  const header = req.headers.authorization ?? '';
  const expected = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  return header === expected;
}

/** Runs git http-backend as CGI for one request and relays its answer. */
function serveCgi(root: string, req: IncomingMessage, res: ServerResponse, user: string | undefined): void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const backend = spawn('git', ['http-backend'], {
    env: {
      ...process.env,
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: '1',
      REQUEST_METHOD: req.method ?? 'GET',
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.slice(1),
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      // git decompresses request bodies itself when told how they were sent.
      HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
      GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
      REMOTE_USER: user ?? 'anonymous',
      REMOTE_ADDR: '127.0.0.1',
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  req.pipe(backend.stdin);
  let head = Buffer.alloc(0);
  let headersSent = false;
  backend.stdout.on('data', (chunk: Buffer) => {
    if (headersSent) return void res.write(chunk);
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) return;
    let status = 200;
    for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
      else if (name) res.setHeader(name, value);
    }
    res.statusCode = status;
    headersSent = true;
    res.write(head.subarray(end + 4));
  });
  let stderr = '';
  backend.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  backend.on('close', (code) => {
    if (!headersSent) {
      res.statusCode = 500;
      res.end(`git http-backend failed (${code}): ${stderr}`);
    } else {
      res.end();
    }
  });
}

/**
 * Starts a git server on a free port (loopback unless `address` is given) for tests and the demo: `git clone` and
 * `git push` work against it exactly as against any smart-HTTP remote.
 */
export async function startGitServer(options: GitServerOptions = {}): Promise<GitServer> {
  const root = await mkdtemp(join(tmpdir(), 'greenroom-git-'));
  const requests: GitRequest[] = [];
  const server = createServer((req, res) => {
    requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', authorization: req.headers.authorization });
    if (!authorised(req, options.credentials)) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="greenroom-git"' }).end('authentication required');
      return;
    }
    serveCgi(root, req, res, options.credentials?.username);
  });
  const address = options.address ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(0, address, resolve));
  const url = `http://${address}:${(server.address() as AddressInfo).port}`;
  return {
    url,
    root,
    requests,
    async createRepository(name) {
      const dir = join(root, `${name}.git`);
      await mkdir(dir, { recursive: true });
      await run('git', ['init', '--bare', '--quiet', '--initial-branch=main', dir]);
      await run('git', ['-C', dir, 'config', 'http.receivepack', 'true']);
      // Partial clones (fetch --filter), as GitHub and GitLab serve them.
      await run('git', ['-C', dir, 'config', 'uploadpack.allowFilter', 'true']);
      return `${url}/${name}.git`;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(root, { recursive: true, force: true });
    },
  };
}
