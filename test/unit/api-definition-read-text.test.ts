import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { textReader, type TextReaderOptions } from '../../src/controllers/api-definition/read-text.ts';
import { KubeApiError, type RawKubeClient } from '../../src/kube/raw-client.ts';
import { systemResolve } from '../../src/outbound/pinned-request.ts';

const NAMES = {
  subject: 'API definition',
  endpoint: 'definition server',
  allowedHostsFlag: '--definition-allowed-hosts',
  allowPrivateAddressesFlag: '--definition-allow-private-addresses',
};

// A definition server on loopback: what a tenant's URL would reach from the operator's pod.
const requests: string[] = [];
let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    if (req.url === '/openapi.yaml') return res.writeHead(200, { 'content-type': 'application/yaml' }).end('openapi: 3.0.3\n');
    if (req.url === '/moved') return res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
    if (req.url === '/huge') return res.writeHead(200).end('x'.repeat(10_000));
    res.writeHead(404).end();
  }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const noClient = {} as RawKubeClient;

function reader(overrides: Partial<TextReaderOptions> = {}) {
  return textReader({
    client: noClient,
    policy: { allowedHosts: ['127.0.0.1'], allowPrivateAddresses: true, names: NAMES },
    resolve: systemResolve,
    maxBytes: 1024,
    ...overrides,
  });
}

describe('reading an API definition from a URL', () => {
  it('when the host is allowed, then the definition is fetched', async () => {
    expect(await reader()({ from: 'url', url: `${base}/openapi.yaml` }, 'shop')).toEqual({ text: 'openapi: 3.0.3\n' });
  });

  it('when the host is not on the allow-list, then nothing is fetched and the failure names the flag', async () => {
    const before = requests.length;
    const outcome = await reader({ policy: { allowedHosts: ['defs.example'], allowPrivateAddresses: true, names: NAMES } })(
      { from: 'url', url: `${base}/openapi.yaml` },
      'shop',
    );
    expect(outcome).toEqual({
      failure: { reason: 'HostNotAllowed', message: 'host 127.0.0.1 is not in the API definition allow-list (--definition-allowed-hosts)' },
    });
    expect(requests.length).toBe(before);
  });

  it('when the host is allowed but private addresses are not, then loopback is refused before any request', async () => {
    const before = requests.length;
    const outcome = await reader({ policy: { allowedHosts: ['*'], allowPrivateAddresses: false, names: NAMES } })(
      { from: 'url', url: `${base}/openapi.yaml` },
      'shop',
    );
    expect(outcome).toEqual({
      failure: {
        reason: 'HostNotAllowed',
        message: '127.0.0.1 is a loopback address (allowed only with --definition-allow-private-addresses)',
      },
    });
    expect(requests.length).toBe(before);
  });

  it('when the server redirects, then the redirect is not followed', async () => {
    const outcome = await reader()({ from: 'url', url: `${base}/moved` }, 'shop');
    expect(outcome).toMatchObject({
      failure: { reason: 'FetchFailed', message: expect.stringContaining('answered 302: redirects are not followed') },
    });
  });

  it('when the answer is longer than the limit, then it is not read and the failure says TooLarge with the flag', async () => {
    const outcome = await reader()({ from: 'url', url: `${base}/huge` }, 'shop');
    expect(outcome).toEqual({
      failure: {
        reason: 'TooLarge',
        message: `the definition at ${base}/huge is larger than 1024 bytes (--definition-max-bytes); it is not read`,
      },
    });
  });

  it('when the URL carries credentials or another scheme, then it is refused', async () => {
    expect(await reader()({ from: 'url', url: `http://user:pw@127.0.0.1:1/x` }, 'shop')).toMatchObject({
      failure: { reason: 'HostNotAllowed' },
    });
    expect(await reader()({ from: 'url', url: 'file:///etc/passwd' }, 'shop')).toMatchObject({ failure: { reason: 'HostNotAllowed' } });
  });
});

describe('reading an API definition from a ConfigMap', () => {
  const asked: string[] = [];
  const client = {
    request: async ({ path }: { path: string }) => {
      asked.push(path);
      if (path.endsWith('/configmaps/petstore')) return { data: { 'openapi.yaml': 'openapi: 3.0.3\n' } };
      throw new KubeApiError(404, 'NotFound', 'not found');
    },
  } as unknown as RawKubeClient;

  it('when the key is there, then its text is read from the API namespace', async () => {
    expect(await reader({ client })({ from: 'configMap', name: 'petstore', key: 'openapi.yaml' }, 'shop')).toEqual({
      text: 'openapi: 3.0.3\n',
    });
    expect(asked.at(-1)).toBe('/api/v1/namespaces/shop/configmaps/petstore');
  });

  it('when the key or the ConfigMap is missing, then the failure names which', async () => {
    expect(await reader({ client })({ from: 'configMap', name: 'petstore', key: 'asyncapi.yaml' }, 'shop')).toEqual({
      failure: { reason: 'KeyNotFound', message: 'ConfigMap petstore has no key asyncapi.yaml (it has openapi.yaml)' },
    });
    expect(await reader({ client })({ from: 'configMap', name: 'nope', key: 'x' }, 'shop')).toEqual({
      failure: { reason: 'ConfigMapNotFound', message: 'ConfigMap nope does not exist in namespace shop' },
    });
  });
});
