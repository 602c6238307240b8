import { createServer, type Server } from 'node:http';

/** What the service says about itself on GET /. */
export interface ServiceInfo {
  service: string;
  description: string;
}

/**
 * The HTTP server, without listening: the entry point picks the port, tests use port 0.
 * Only node:http, so the service runs and tests without installing anything.
 */
export function createApp(info: ServiceInfo): Server {
  return createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'application/json' }).end(JSON.stringify({ error: 'method not allowed' }));
    } else if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    } else if (path === '/') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(info));
    } else {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'not found' }));
    }
  });
}
