import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An HTTP server on 127.0.0.1 that answers every request with a JSON schema and counts them: a
 * definition whose `$ref` points at it proves, by a count of zero, that describing it fetched nothing.
 */
export interface CountingServer {
  url: string;
  requests(): number;
  close(): Promise<void>;
}

export async function countingServer(): Promise<CountingServer> {
  let requests = 0;
  const server: Server = createServer((_request, response) => {
    requests += 1;
    response.setHeader('content-type', 'application/json');
    response.end('{"type":"string","description":"fetched from the network"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => requests,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
