import { Agent as HttpsAgent, request as httpsRequest, type RequestOptions } from 'node:https';
import { request as httpRequest } from 'node:http';
import type { KubeConfig } from '@kubernetes/client-node';
import { collectionPath, groupVersionPath, objectPath } from '../api/resource-paths.ts';

/** How long the kubeconfig's credentials are reused before its files are read again (client-go re-reads a token file each minute). */
export const CREDENTIALS_REUSE_MS = 60_000;

/** A Kubernetes API error with the status code and the server's message. */
export class KubeApiError extends Error {
  readonly code: number;
  readonly body: unknown;

  constructor(code: number, message: string, body: unknown) {
    super(message);
    this.name = 'KubeApiError';
    this.code = code;
    this.body = body;
  }
}

/** The object (or the one named in the path) does not exist. */
export const isNotFound = (error: unknown): error is KubeApiError => error instanceof KubeApiError && error.code === 404;

/** The apiserver refused this identity the request (RBAC). */
export const isForbidden = (error: unknown): error is KubeApiError => error instanceof KubeApiError && error.code === 403;

/**
 * Passing trouble: 429 and 5xx answers, and requests that never got one (connection refused
 * or reset, a name that did not resolve): worth retrying soon.
 */
export function isTransientApiError(error: unknown): boolean {
  if (error instanceof KubeApiError) return error.code === 429 || error.code >= 500;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EAI_AGAIN|ENOTFOUND|UND_ERR_\w+)$/.test(code);
}

export interface RawRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
  contentType?: string;
  /**
   * Make the request as this user and groups (Impersonate-User / Impersonate-Group): the
   * apiserver authorizes it by their RBAC, not the operator's, and audits it as them
   * (with the operator as the impersonator).
   */
  impersonate?: { user: string; groups: readonly string[] };
}

/**
 * JSON over HTTPS with the kubeconfig's credentials, sending bodies exactly as given.
 * client-node's typed serializer drops fields it does not model by their wire names (for
 * example a CRD's `x-kubernetes-validations` when passed as plain YAML), so applying
 * manifests goes through here instead.
 */
export class RawKubeClient {
  private readonly discovery = new Map<string, Promise<Map<string, { name: string; namespaced: boolean }>>>();

  private readonly config: KubeConfig;

  /**
   * One keep-alive agent for every request of this client. client-node's agent (which
   * applyToHTTPSOptions sets) does not keep connections alive, so without this every request
   * paid for a new TCP connection and TLS handshake — on the apiserver too. The pool is keyed
   * by the TLS options of each request (CA, client certificate, key), so connections made
   * with other credentials are never shared.
   */
  private readonly agent = new HttpsAgent({ keepAlive: true, timeout: 30_000 });

  private readonly throttleRetries: number;

  private readonly now: () => number;

  /** The kubeconfig's TLS material and Authorization header, and until when they are reused. */
  private credentials: { options: RequestOptions; until: number } | undefined;

  constructor(config: KubeConfig, options: { throttleRetries?: number; now?: () => number } = {}) {
    this.config = config;
    this.throttleRetries = options.throttleRetries ?? 5;
    this.now = options.now ?? Date.now;
  }

  /**
   * What client-node's applyToHTTPSOptions sets (CA, client certificate and key, the bearer
   * token), read at most once a CREDENTIALS_REUSE_MS. It reads every file the kubeconfig names
   * synchronously and builds an agent on each call; per request, that was the largest part
   * of what a SubjectAccessReview cost the event loop, and stalled reads on a busy disk.
   * Reusing for a minute is what client-go does with a token file, so rotated tokens and
   * certificates are still picked up.
   */
  private async credentialOptions(): Promise<RequestOptions> {
    const now = this.now();
    if (this.credentials && now < this.credentials.until) return this.credentials.options;
    const options: RequestOptions = { headers: {} };
    // Its agent is kept only for a cluster behind a proxy (see requestOnce); otherwise `agent` is used.
    await this.config.applyToHTTPSOptions(options);
    this.credentials = { options, until: now + CREDENTIALS_REUSE_MS };
    return options;
  }

  /**
   * Sends a request; a 429 (the apiserver's "storage is (re)initializing" right after a
   * CRD is created, or priority-and-fairness throttling) was not processed, so it is sent
   * again after the Retry-After the server asks for, a few times, whatever the method.
   */
  async request<T = unknown>(req: RawRequest): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.requestOnce<T>(req);
      } catch (error) {
        if (!(error instanceof KubeApiError && error.code === 429) || attempt >= this.throttleRetries) throw error;
        const seconds = (error.body as { details?: { retryAfterSeconds?: number } } | undefined)?.details?.retryAfterSeconds ?? 1;
        await new Promise((resolve) => setTimeout(resolve, Math.min(Math.max(seconds, 0.1), 5) * 1000));
      }
    }
  }

  private async requestOnce<T>(req: RawRequest): Promise<T> {
    const cluster = this.config.getCurrentCluster();
    if (!cluster) throw new Error('kubeconfig has no current cluster');
    const url = new URL(cluster.server.replace(/\/$/, '') + req.path);
    for (const [key, value] of Object.entries(req.query ?? {})) if (value !== undefined) url.searchParams.set(key, value);
    const credentials = await this.credentialOptions();
    const options: RequestOptions = {
      ...credentials,
      method: req.method,
      headers: { ...credentials.headers, Accept: 'application/json', ...impersonationHeaders(req.impersonate) },
    };
    // Through a proxy, client-node's proxy agent is needed; otherwise ours keeps connections.
    if (url.protocol === 'https:' && !cluster.proxyUrl) options.agent = this.agent;
    const payload = req.body === undefined ? undefined : JSON.stringify(req.body);
    if (payload !== undefined) {
      options.headers = { ...options.headers, 'Content-Type': req.contentType ?? 'application/json' };
    }
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    let reusedSocket = false;
    const exchange = (): Promise<{ status: number; text: string }> =>
      new Promise((resolve, reject) => {
        const r = send(url, options, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
          res.on('error', reject);
        });
        r.on('error', (error) => {
          reusedSocket = r.reusedSocket;
          reject(error);
        });
        r.end(payload);
      });
    let response: { status: number; text: string };
    try {
      response = await exchange();
    } catch (error) {
      // A kept-alive connection the server closed while idle fails at once with ECONNRESET
      // (Node's documented race); the request was not processed then, and every non-POST
      // request sent here (GET, PUT, DELETE, server-side apply PATCH) is idempotent anyway,
      // so it is retried once, on a fresh connection.
      if (!(reusedSocket && (error as NodeJS.ErrnoException).code === 'ECONNRESET' && req.method !== 'POST')) throw error;
      response = await exchange();
    }
    const { status, text } = response;
    const body: unknown = text ? safeJson(text) : undefined;
    if (status >= 400) {
      const message = (body as { message?: string } | undefined)?.message ?? text;
      throw new KubeApiError(status, `${req.method} ${req.path}: ${status} ${message}`, body);
    }
    return body as T;
  }

  /** The REST path of an object (or of its collection when `name` is absent), via discovery. */
  async resourcePath(apiVersion: string, kind: string, namespace?: string, name?: string): Promise<string> {
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/', 2) : ['', apiVersion];
    const base = groupVersionPath({ group: group!, version: version! });
    let resources = this.discovery.get(base);
    if (!resources) {
      resources = this.request<{ resources: { name: string; kind: string; namespaced: boolean }[] }>({ method: 'GET', path: base }).then(
        (list) => new Map(list.resources.filter((r) => !r.name.includes('/')).map((r) => [r.kind, r])),
      );
      this.discovery.set(base, resources);
      resources.catch(() => this.discovery.delete(base));
    }
    const resource = (await resources).get(kind);
    if (!resource) throw new Error(`the server does not serve ${kind} in ${apiVersion}`);
    const type = { group: group!, version: version!, plural: resource.name };
    const scope = resource.namespaced ? (namespace ?? 'default') : undefined;
    return name ? objectPath(type, scope, name) : collectionPath(type, scope);
  }

  /** Forgets discovery results, e.g. after CRDs were installed. */
  forgetDiscovery(): void {
    this.discovery.clear();
  }
}

/** One Impersonate-Group header per group (the apiserver reads them all); none without a person. */
function impersonationHeaders(as: RawRequest['impersonate']): Record<string, string | string[]> {
  if (!as) return {};
  return { 'Impersonate-User': as.user, ...(as.groups.length > 0 ? { 'Impersonate-Group': [...as.groups] } : {}) };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
