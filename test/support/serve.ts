import { afterEach } from '@jest/globals';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

/** Serves an express app on a free loopback port for one test; closed after each test. */
export function serving(): (app: Express) => Promise<string> {
  let server: Server | undefined;
  afterEach(() => {
    server?.close();
    server = undefined;
  });
  return async (app) => {
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server!.once('listening', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
}
