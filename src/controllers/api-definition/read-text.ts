import { objectPath } from '../../api/resource-paths.ts';
import { RESOURCES } from '../../api/v1alpha1/index.ts';
import type { DefinitionFailure } from '../../api-definitions/read-definition.ts';
import { DEFINITION_LIMIT_FLAGS } from '../../api-definitions/limits.ts';
import { isNotFound, type RawKubeClient } from '../../kube/raw-client.ts';
import { hostRefusal, type OutboundPolicy } from '../../outbound/host-policy.ts';
import { pinnedAddress, requestPinned, type Resolve } from '../../outbound/pinned-request.ts';
import type { DefinitionSource } from './source.ts';

/** What reading a definition's text gave: the text, or why there is none. */
export type TextOutcome = { text: string } | { failure: DefinitionFailure };

export interface TextReaderOptions {
  client: RawKubeClient;
  /** Which hosts a URL may name, and whether private addresses may answer (--definition-*). */
  policy: OutboundPolicy;
  resolve: Resolve;
  maxBytes: number;
  /** How long one fetch may take, answer included. */
  fetchTimeoutMs?: number;
}

const tooLarge = (what: string, maxBytes: number): TextOutcome => ({
  failure: {
    reason: 'TooLarge',
    message: `${what} is larger than ${maxBytes} bytes (${DEFINITION_LIMIT_FLAGS.maxBytes}); it is not read`,
  },
});

/** Reads the text of a definition from where its API keeps it: the spec, a ConfigMap of the API's namespace, or a URL on an allowed host. */
export function textReader(options: TextReaderOptions): (source: DefinitionSource, namespace: string) => Promise<TextOutcome> {
  return async (source, namespace) => {
    if (source.from === 'inline') return { text: source.text };
    if (source.from === 'configMap') return readConfigMap(options, namespace, source.name, source.key);
    return fetchUrl(options, source.url);
  };
}

async function readConfigMap(options: TextReaderOptions, namespace: string, name: string, key: string): Promise<TextOutcome> {
  let configMap: { data?: Record<string, string>; binaryData?: Record<string, string> };
  try {
    // The API's own namespace, always: a definition never reads another tenant's ConfigMap.
    configMap = await options.client.request({ method: 'GET', path: objectPath(RESOURCES.configMaps, namespace, name) });
  } catch (error) {
    if (isNotFound(error))
      return { failure: { reason: 'ConfigMapNotFound', message: `ConfigMap ${name} does not exist in namespace ${namespace}` } };
    throw error;
  }
  const text =
    configMap.data?.[key] ??
    (configMap.binaryData?.[key] !== undefined ? Buffer.from(configMap.binaryData[key], 'base64').toString('utf8') : undefined);
  if (text === undefined)
    return {
      failure: {
        reason: 'KeyNotFound',
        message: `ConfigMap ${name} has no key ${key} (it has ${Object.keys({ ...configMap.data, ...configMap.binaryData }).join(', ') || 'none'})`,
      },
    };
  if (Buffer.byteLength(text) > options.maxBytes) return tooLarge(`ConfigMap ${name} key ${key}`, options.maxBytes);
  return { text };
}

/**
 * GETs a definition from a URL: http(s) only, no credentials in it, a host of the allow-list,
 * every address it resolves to allowed, the connection pinned to the address checked, no
 * redirects, and at most maxBytes read. A definition URL is written by a namespace tenant and
 * fetched from the operator's network position: without these, it reads cluster-internal
 * services for them.
 */
async function fetchUrl(options: TextReaderOptions, text: string): Promise<TextOutcome> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { failure: { reason: 'FetchFailed', message: `${text} is not a URL` } };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return { failure: { reason: 'HostNotAllowed', message: `${url.protocol} URLs are not fetched; use https` } };
  if (url.username || url.password) return { failure: { reason: 'HostNotAllowed', message: 'a definition URL may not carry credentials' } };
  const refusedHost = hostRefusal(options.policy, url.hostname);
  if (refusedHost) return { failure: { reason: 'HostNotAllowed', message: refusedHost } };
  const signal = AbortSignal.timeout(options.fetchTimeoutMs ?? 30_000);
  try {
    const address = await pinnedAddress(url, options.policy, options.resolve);
    if ('refused' in address) return { failure: { reason: 'HostNotAllowed', message: address.refused } };
    const answer = await requestPinned(url, address, {
      method: 'GET',
      headers: { accept: 'application/json, application/yaml, text/plain, */*;q=0.5', 'user-agent': 'greenroom' },
      signal,
      maxResponseBytes: options.maxBytes,
    });
    if (answer.status >= 300 && answer.status < 400)
      return {
        failure: {
          reason: 'FetchFailed',
          message: `${url.host} answered ${answer.status}: redirects are not followed; name the URL it redirects to`,
        },
      };
    if (answer.status !== 200) return { failure: { reason: 'FetchFailed', message: `${url.host} answered ${answer.status}` } };
    if (answer.cutOff) return tooLarge(`the definition at ${url.href}`, options.maxBytes);
    return { text: answer.body.toString('utf8') };
  } catch (error) {
    const message = signal.aborted
      ? `no answer within ${Math.round((options.fetchTimeoutMs ?? 30_000) / 1000)} s`
      : (error as Error).message;
    return { failure: { reason: 'FetchFailed', message: `fetching ${url.href} failed: ${message}` } };
  }
}
