import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeApiError, RawKubeClient } from '../../src/kube/raw-client.ts';

// A plain HTTP server standing in for an apiserver that throttles: it answers 429 (as
// kube-apiserver does while a new CRD's storage initialises) a set number of times first.
let server: Server;
let throttled = 0;
let seen = 0;

beforeAll(async () => {
  server = createServer((_req, res) => {
    seen++;
    if (throttled > 0) {
      throttled--;
      res.writeHead(429, { 'Content-Type': 'application/json' }).end(JSON.stringify({ kind: 'Status', code: 429, message: 'storage is (re)initializing', details: { retryAfterSeconds: 0 } }));
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
