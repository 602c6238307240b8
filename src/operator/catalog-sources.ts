import { objectPath } from '../api/resource-paths.ts';
import { RESOURCES } from '../api/v1alpha1/index.ts';
import { SYNC_REQUEST_ANNOTATION, type LdapCatalog } from '../api/v1alpha1/catalog-source.ts';
import { verifyPush } from '../catalog-sources/push-signature.ts';
import type { CatalogSourceObject } from '../api/objects.ts';
import type { CatalogHooks } from '../http/hooks.ts';
import type { CatalogView } from '../catalog/view.ts';
import { gitProvider } from '../catalog-sources/git/git-provider.ts';
import { kubernetesProvider } from '../catalog-sources/kubernetes/provider.ts';
import { DEFAULT_READ_LIMITS } from '../convert/confined-files.ts';
import { ldapProvider, type LdapBind } from '../catalog-sources/ldap/provider.ts';
import type { CatalogEntry } from '../catalog-sources/plan.ts';
import type { OperatorConfig } from '../config.ts';
import type { ProviderFor } from '../controllers/catalog-source/reconcile.ts';
import { gitCredentials, readSecret, secretValue, SourceConfigError } from '../controllers/named-secrets.ts';
import { ALLOWED_HOSTS_ANNOTATION, credentialHostProblem, parseAllowedHosts } from '../git/git-remote.ts';
import type { RawKubeClient } from '../kube/raw-client.ts';

/** How long one directory operation (connect, bind, a page of a search) may take. */
const LDAP_TIMEOUT_MS = 30_000;
/** How long one git command (ls-remote, fetch, checkout) of a catalog source may take. */
const GIT_TIMEOUT_MS = 120_000;

/** The catalog entities of a namespace, as the replica's graph holds them, for a source's sync plan. */
export const catalogEntriesIn =
  (graph: Pick<CatalogView, 'all'>) =>
  (namespace: string): CatalogEntry[] => {
    const entries: CatalogEntry[] = [];
    for (const entity of graph.all())
      if (entity.namespace === namespace)
        entries.push({ kind: entity.kind, name: entity.name, labels: entity.labels, annotations: entity.annotations });
    return entries;
  };

/**
 * The bind credentials (and the CA of an ldaps:// server, key ca.crt) from the Secret a source
 * names, in the source's namespace. Like git credentials, they go only to the hosts the
 * Secret's greenroom.dev/allowed-hosts annotation lists: whoever writes the CatalogSource
 * chooses the URL, not where the password goes.
 */
async function ldapAccess(client: RawKubeClient, namespace: string, ldap: LdapCatalog): Promise<{ bind?: LdapBind; tlsCa?: string }> {
  const ref = ldap.bindSecretRef;
  if (!ref) return {};
  const secret = await readSecret(client, namespace, ref.name);
  const refused = credentialHostProblem(
    ldap.url,
    parseAllowedHosts(secret.metadata?.annotations?.[ALLOWED_HOSTS_ANNOTATION]),
    `Secret ${namespace}/${ref.name}`,
  );
  if (refused) throw new SourceConfigError(refused);
  const dnKey = ref.dnKey ?? 'dn';
  const passwordKey = ref.passwordKey ?? 'password';
  const dn = secretValue(secret, dnKey);
  const password = secretValue(secret, passwordKey);
  if (dn === undefined) throw new SourceConfigError(`Secret ${ref.name} has no key ${dnKey}`);
  if (password === undefined) throw new SourceConfigError(`Secret ${ref.name} has no key ${passwordKey}`);
  const tlsCa = secretValue(secret, 'ca.crt');
  return { bind: { dn, password }, ...(tlsCa ? { tlsCa } : {}) };
}

/**
 * The provider of each kind of source, with the Secrets it names read from the source's own
 * namespace. A kind this operator has no provider for is a SourceConfigError the source's
 * status shows.
 */
export function providerFor(client: RawKubeClient, config: OperatorConfig): ProviderFor {
  return async (source) => {
    const { namespace } = source.metadata;
    const { git, ldap } = source.spec;
    if (git) {
      const credentials = git.secretRef ? await gitCredentials(client, namespace, git.secretRef) : undefined;
      return gitProvider(git, {
        credentials,
        allowHttp: config.allowHttpGit,
        limits: { ...DEFAULT_READ_LIMITS, maxFiles: Math.min(DEFAULT_READ_LIMITS.maxFiles, config.catalogSourceMaxEntries) },
        timeoutMs: GIT_TIMEOUT_MS,
      });
    }
    if (ldap) {
      const { bind, tlsCa } = await ldapAccess(client, namespace, ldap);
      return ldapProvider(ldap, bind, {
        timeoutMs: LDAP_TIMEOUT_MS,
        maxEntries: config.catalogSourceMaxEntries,
        ...(tlsCa ? { tlsCa } : {}),
      });
    }
    const { kubernetes } = source.spec;
    if (kubernetes) {
      const namespaces = kubernetes.namespaces?.length ? kubernetes.namespaces : [namespace];
      const others = namespaces.filter((n) => n !== namespace);
      if (others.length > 0 && !config.clusterCatalogSourceNamespaces.includes(namespace))
        throw new SourceConfigError(
          `spec.kubernetes.namespaces names ${others.join(', ')}: only CatalogSources in the operator's --cluster-catalog-source-namespaces may read other namespaces' workloads`,
        );
      return kubernetesProvider(client, kubernetes, { namespaces, maxEntries: config.catalogSourceMaxEntries });
    }
    throw new SourceConfigError('a CatalogSource needs one of spec.git, spec.kubernetes or spec.ldap');
  };
}

/**
 * Push webhooks, verified against the Secret the source's spec.git.webhookSecretRef names
 * (in its namespace). A verified push annotates the source with the time (a merge patch of
 * that one annotation, as the operator), which the leader — whichever replica the push came
 * to — sees and answers with a check at once.
 */
export function catalogHooks(
  client: RawKubeClient,
  sources: () => CatalogSourceObject[],
  now: () => Date = () => new Date(),
): CatalogHooks {
  return {
    async push(namespace, name, body, headers) {
      const source = sources().find((s) => s.metadata.namespace === namespace && s.metadata.name === name);
      const ref = source?.spec.git?.webhookSecretRef;
      if (!ref) return false;
      const secret = await readSecret(client, namespace, ref.name).catch(() => undefined);
      const key = secret && secretValue(secret, ref.key ?? 'secret');
      if (!key || !verifyPush(key, body, headers)) return false;
      await client.request({
        method: 'PATCH',
        path: objectPath(RESOURCES.catalogSources, namespace, name),
        body: { metadata: { annotations: { [SYNC_REQUEST_ANNOTATION]: now().toISOString() } } },
        contentType: 'application/merge-patch+json',
      });
      return true;
    },
  };
}
