import type { KubeConfig } from '@kubernetes/client-node';
import type { Registry } from 'prom-client';
import type { OperatorConfig } from '../config.ts';
import type { AuthSettings } from '../http/auth/settings.ts';
import type { Logger } from '../observability/logger.ts';
import type { InformerTimings } from '../runtime/context.ts';

/**
 * What one replica is started with: its cluster, logs and metrics, and the operator's options
 * as src/config.ts gives them — every flag present, its default applied there and nowhere else
 * (`parseOperatorConfig` for the command, `operatorConfig({...})` for the demo and tests).
 */
export interface OperatorSettings {
  kubeConfig: KubeConfig;
  logger: Logger;
  registry: Registry;
  /** Every operator option, defaults applied by the flag table. */
  config: OperatorConfig;
  /**
   * Who is asking on the dashboard's port, as `authSettingsFrom` builds it from the config's
   * sign-in flags (it reads their secret files, so the caller does); anonymous and read-only
   * when absent.
   */
  auth?: AuthSettings | undefined;
  /** The clock of time-based decisions (initiative phases and milestones); tests move it. */
  now?: (() => Date) | undefined;
  /** Lease timings and informer periods; tests shorten them. */
  leaseTimings?: { leaseDurationMs?: number; renewDeadlineMs?: number; retryPeriodMs?: number } | undefined;
  informerTimings?: InformerTimings | undefined;
}
