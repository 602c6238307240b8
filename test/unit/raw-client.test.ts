import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { CREDENTIALS_REUSE_MS, KubeApiError, RawKubeClient } from '../../src/kube/raw-client.ts';

// A plain HTTP server standing in for an apiserver that throttles: it answers 429 (as
// kube-apiserver does while a new CRD's storage initialises) a set number of times first.
let server: Server;
let throttled = 0;
let seen = 0;
/** The Authorization and Impersonate-User headers of each request, in order. */
const headersSeen: { authorization?: string | undefined; impersonate?: string | undefined }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen++;
    headersSeen.push({ authorization: req.headers.authorization, impersonate: req.headers['impersonate-user'] as string | undefined });
    if (throttled > 0) {
      throttled--;
      res
        .writeHead(429, { 'Content-Type': 'application/json' })
        .end(JSON.stringify({ kind: 'Status', code: 429, message: 'storage is (re)initializing', details: { retryAfterSeconds: 0 } }));
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}');
  }).listen(0, '127.0.0.1');
  await once(server, 'listening');
});
afterAll(() => {
  server.close();
});

const client = (throttleRetries?: number) => {
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [{ name: 'c', server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true }],
    users: [{ name: 'u' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return new RawKubeClient(config, throttleRetries === undefined ? {} : { throttleRetries });
};

describe('the raw client when the apiserver throttles', () => {
  it('when it answers 429 twice, then the request is sent again and succeeds', async () => {
    throttled = 2;
    seen = 0;
    await expect(client().request({ method: 'POST', path: '/api/v1/namespaces/x/configmaps', body: {} })).resolves.toEqual({ ok: true });
    expect(seen).toBe(3);
  });

  it('when it keeps answering 429, then the error comes back after the allowed attempts', async () => {
    throttled = 10;
    seen = 0;
    await expect(client(3).request({ method: 'GET', path: '/api/v1/namespaces' })).rejects.toThrow(KubeApiError);
    expect(seen).toBe(3);
    throttled = 0;
  });
});

describe('the raw client and the credentials its kubeconfig names', () => {
  it('when requests follow each other, then the credentials of the kubeconfig are read once per reuse window, and the impersonation of one request never carries into the next', async () => {
    const config = new KubeConfig();
    config.loadFromOptions({
      clusters: [{ name: 'c', server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true }],
      users: [{ name: 'u', token: 'first' }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
    let reads = 0;
    const apply = config.applyToHTTPSOptions.bind(config);
    config.applyToHTTPSOptions = (options) => (reads++, apply(options));
    let now = 1_000_000;
    const raw = new RawKubeClient(config, { now: () => now });
    headersSeen.length = 0;
    await raw.request({ method: 'GET', path: '/api/v1/namespaces' });
    // A rotated token (an in-cluster token file, re-read by client-node) is read again only after the window.
    (config.users[0] as { token?: string }).token = 'second';
    now += CREDENTIALS_REUSE_MS - 1;
    await raw.request({ method: 'GET', path: '/api/v1/namespaces', impersonate: { user: 'ada', groups: ['team-a'] } });
    expect(reads).toBe(1);
    now += 1;
    await raw.request({ method: 'GET', path: '/api/v1/namespaces' });
    expect(reads).toBe(2);
    expect(headersSeen).toEqual([
      { authorization: 'Bearer first', impersonate: undefined },
      { authorization: 'Bearer first', impersonate: 'ada' },
      { authorization: 'Bearer second', impersonate: undefined },
    ]);
  });
});
