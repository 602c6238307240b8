import { createServer } from 'node:net';

/**
 * Asks the kernel for a free loopback port. Another process could take it between here and
 * the bind; the window is a few milliseconds and a start that loses it fails with the
 * component's log attached, so no retry loop hides it.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port assigned'));
      });
    });
  });
}
