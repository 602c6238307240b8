import { loadKubeConfig } from '../kube/config.ts';
import { parseOperatorConfig } from '../config.ts';
import { createLogger } from '../observability/logger.ts';
import { createMetricsRegistry } from '../observability/metrics.ts';
import { startOperator } from '../operator/run.ts';

export { OPERATOR_USAGE } from '../config.ts';

/** `greenroom operator`: runs until SIGTERM/SIGINT, then drains and hands the Lease back. */
export async function runOperator(argv: string[]): Promise<void> {
  const config = parseOperatorConfig(argv, process.env);
  const log = createLogger(config.logLevel);
  const running = await startOperator({
    ...config,
    kubeConfig: loadKubeConfig({ kubeconfig: config.kubeconfig, context: config.context }),
    logger: log,
    registry: createMetricsRegistry(),
  });
  const shutdown = (signal: string): void => {
    log.info({ signal }, 'shutting down');
    running.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'unclean shutdown');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}
