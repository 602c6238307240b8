import { KubeConfig } from '@kubernetes/client-node';

export interface KubeConfigSource {
  /** Path of a kubeconfig file; `$KUBECONFIG` or ~/.kube/config when absent. */
  kubeconfig?: string | undefined;
  /** Context to use instead of the file's current context. */
  context?: string | undefined;
}

/** Loads a kubeconfig the way kubectl does, failing with a message that names the problem. */
export function loadKubeConfig(source: KubeConfigSource = {}): KubeConfig {
  const config = new KubeConfig();
  if (source.kubeconfig) config.loadFromFile(source.kubeconfig);
  else config.loadFromDefault();
  if (source.context) {
    if (!config.getContextObject(source.context)) {
      const known =
        config
          .getContexts()
          .map((c) => c.name)
          .join(', ') || 'none';
      throw new Error(`kubeconfig has no context "${source.context}" (contexts: ${known})`);
    }
    config.setCurrentContext(source.context);
  }
  if (!config.getCurrentCluster()) {
    throw new Error('kubeconfig names no current cluster; pass --kubeconfig or --context');
  }
  return config;
}
