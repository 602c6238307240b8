import { readFileSync } from 'node:fs';
import { loadKubeConfig } from '../kube/config.ts';
import { parseOperatorConfig } from '../config.ts';
import { createCliLogger } from '../observability/logger.ts';
import { createMetricsRegistry } from '../observability/metrics.ts';
import { startOperator } from '../operator/run.ts';
import { authSettingsFrom } from '../http/auth/settings.ts';

export { OPERATOR_USAGE } from '../config.ts';

/** `greenroom operator`: runs until SIGTERM/SIGINT, then drains and hands the Lease back. */
export async function runOperator(argv: string[]): Promise<void> {
  const config = parseOperatorConfig(argv, process.env);
  const log = createCliLogger(config.logLevel, process.env);
  const running = await startOperator({
    config,
    auth: authSettingsFrom(config, (path) => readFileSync(path, 'utf8')),
    kubeConfig: loadKubeConfig({ kubeconfig: config.kubeconfig, context: config.context }),
    logger: log,
    registry: createMetricsRegistry(),
  });
  // A second signal (Ctrl-C twice, a supervisor signalling the whole group) must not end
  // the process before the Lease is released: keep the handlers and ignore repeats.
  let shuttingDown = false;
  const shutdown = (signal: string): void => {
    if (shuttingDown) return void log.info({ signal }, 'already shutting down');
    shuttingDown = true;
    log.info({ signal }, 'shutting down');
    running.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'unclean shutdown');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}
