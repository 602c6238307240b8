import { connect, createServer, type Socket } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';

/**
 * A TCP proxy in front of the apiserver that can fail the way networks do, for tests of
 * watch and lease resilience against the real control plane (TLS passes through untouched):
 * - `stall()`: open connections stop carrying bytes but stay open (a half-open connection
 *   behind a dead load balancer); new connections work;
 * - `cut()`: open connections are reset and new ones refused, until `restore()`.
 */
export interface FaultyProxy {
  /** A copy of the kubeconfig whose current cluster goes through the proxy. */
  kubeConfig: KubeConfig;
  stall(): void;
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startFaultyProxy(direct: KubeConfig): Promise<FaultyProxy> {
  const cluster = direct.getCurrentCluster();
  if (!cluster) throw new Error('kubeconfig has no current cluster');
  const target = new URL(cluster.server);
  const open = new Set<Socket>();
  let refusing = false;
  const server = createServer((client) => {
    if (refusing) return void client.destroy();
    const upstream = connect(Number(target.port), target.hostname);
    const closeBoth = (): void => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on('error', closeBoth).on('close', closeBoth);
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: direct.clusters.map((c) => (c.name === cluster.name ? { ...c, server: `https://127.0.0.1:${port}` } : c)),
    users: direct.users,
    contexts: direct.contexts,
    currentContext: direct.currentContext,
  });
  return {
    kubeConfig,
    stall() {
      for (const socket of open) {
        socket.unpipe();
        socket.pause();
      }
    },
    cut() {
      refusing = true;
      for (const socket of open) socket.destroy();
    },
    restore() {
      refusing = false;
    },
    async close() {
      for (const socket of open) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
