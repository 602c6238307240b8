/**
 * Whether a person may do something, as the apiserver decides it: a SubjectAccessReview sent
 * as the operator for the person's username and groups. Answers are cached per person and
 * question for a short time in a bounded LRU, concurrent identical questions share one
 * review, and a review that fails counts as a denial (fail closed) — logged once until
 * reviews succeed again.
 */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { Counter, type Registry } from 'prom-client';
import { collectionPath } from '../api/resource-paths.ts';
import { GROUP, RESOURCES } from '../api/v1alpha1/index.ts';
import type { RawKubeClient } from '../kube/raw-client.ts';
import type { Logger } from '../observability/logger.ts';

/** Who is asking, as the apiserver names them (see src/http/auth/person.ts). */
export interface Subject {
  username: string;
  groups: readonly string[];
}

/** One question: may the subject `verb` `resource` of `group` (greenroom.dev when absent) in `namespace` ('' for every namespace)? */
export interface AccessQuestion {
  verb: 'list' | 'get';
  /** The API group: absent for greenroom.dev, '' for the core group (Pods), `apps` for Deployments. */
  group?: string;
  resource: string;
  namespace: string;
}

/** Sends one review; resolves to whether it is allowed, rejects when the apiserver could not answer. */
export type ReviewSender = (subject: Subject, question: AccessQuestion) => Promise<boolean>;

/** The apiserver's answer to a SubjectAccessReview (authorization.k8s.io/v1). */
interface ReviewStatus {
  status?: { allowed?: boolean; denied?: boolean; reason?: string; evaluationError?: string };
}

/** A ReviewSender over the apiserver: the operator needs `create` on subjectaccessreviews. */
export function subjectAccessReviews(client: RawKubeClient): ReviewSender {
  return async (subject, question) => {
    const answer = await client.request<ReviewStatus>({
      method: 'POST',
      path: collectionPath(RESOURCES.subjectAccessReviews),
      body: {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        spec: {
          user: subject.username,
          // The apiserver adds system:authenticated to every signed-in request (and to an
          // impersonated one), but not to a review: without it, bindings to all
          // authenticated users would apply to a person's kubectl and writes, not their reads.
          groups: [...new Set([...subject.groups, 'system:authenticated'])],
          resourceAttributes: {
            group: question.group ?? GROUP,
            resource: question.resource,
            verb: question.verb,
            ...(question.namespace ? { namespace: question.namespace } : {}),
          },
        },
      },
    });
    return answer.status?.allowed === true;
  };
}

export interface AccessReviewsOptions {
  send: ReviewSender;
  logger: Logger;
  /** How long an answer is trusted (default DEFAULT_ACCESS_TTL_MS): a new or removed RoleBinding shows within it. */
  ttlMs?: number;
  /** Most answers held (default 50,000); the least recently used go first. */
  maxEntries?: number;
  /** Where hit/miss/error counters go; none when absent. */
  registry?: Registry | undefined;
  /** Background renewals under way at most (default 4); see {@link AccessReviews.allowed}. */
  maxRenewals?: number;
  /** Where in [0, 1) each answer's renewal point falls between RENEW_FROM and RENEW_TO of the TTL (default Math.random). */
  random?: () => number;
}

/**
 * An answer is renewed in the background once it is between these fractions of its TTL old,
 * at a point drawn per answer: answers cached together (everyone arriving at nine, the
 * replica's first minute) then come due spread over 40% of the TTL instead of all in one
 * moment. With one fixed point (half the TTL) fifty people's two hundred answers were renewed
 * back to back every five seconds, and the apiserver's and the replica's CPU spent on that
 * burst showed as a 2.5-fold p99 on the cheapest reads (BENCHMARKS.md, reads as signed-in people).
 */
const RENEW_FROM = 0.5;
const RENEW_TO = 0.9;

/** A cached answer and when, by performance.now(), it is due to be reviewed again. */
interface Answer {
  allowed: boolean;
  renewAt: number;
}

/**
 * Answers are reused for 30 s by default: they decide reads only (every write goes to the
 * apiserver as the person and is authorized there), Kubernetes' own webhook authorizer keeps
 * an allow for five minutes, and at 10 s fifty people reading kept the apiserver busy with
 * twenty-five reviews a second — which showed as a doubled p99 on the cheapest reads.
 */
export const DEFAULT_ACCESS_TTL_MS = 30_000;
const DEFAULT_MAX_ENTRIES = 50_000;

/**
 * A subject's cache key: username and sorted groups, JSON-encoded so no choice of names can
 * make two people share a key (a group called "a,b" is not the groups "a" and "b"), then
 * hashed (SHA-256), so a person with a hundred long group names takes no more of the bounded
 * cache than anyone else.
 */
export const subjectKey = (subject: Subject): string =>
  createHash('sha256')
    .update(JSON.stringify([subject.username, [...subject.groups].sort()]))
    .digest('base64url');

/**
 * Keys by subject object, and by the subject's names: one request asks a dozen questions for
 * the same person object, and the next request (a new object) names the same person again —
 * hashing them afresh on every request was a measurable part of a cheap read.
 */
const keys = new WeakMap<Subject, string>();
const keysByNames = new LRUCache<string, string>({ max: 10_000 });
function keyOf(subject: Subject): string {
  let key = keys.get(subject);
  if (key !== undefined) return key;
  const names = JSON.stringify([subject.username, subject.groups]);
  key = keysByNames.get(names);
  if (key === undefined) keysByNames.set(names, (key = subjectKey(subject)));
  keys.set(subject, key);
  return key;
}

const questionKey = (subject: Subject, question: AccessQuestion): string =>
  `${keyOf(subject)}\u0000${question.verb}\u0000${question.group ?? GROUP}\u0000${question.resource}\u0000${question.namespace}`;

export class AccessReviews {
  private readonly cache: LRUCache<string, Answer>;
  private readonly pending = new Map<string, Promise<boolean>>();
  private readonly send: ReviewSender;
  private readonly logger: Logger;
  private readonly lookups: Counter<'result'> | undefined;
  private readonly ttlMs: number;
  private readonly maxRenewals: number;
  private readonly random: () => number;
  private renewing = 0;
  private failing = false;

  constructor(options: AccessReviewsOptions) {
    this.send = options.send;
    this.logger = options.logger;
    this.ttlMs = options.ttlMs ?? DEFAULT_ACCESS_TTL_MS;
    this.maxRenewals = Math.max(1, options.maxRenewals ?? 4);
    this.random = options.random ?? Math.random;
    this.cache = new LRUCache({ max: options.maxEntries ?? DEFAULT_MAX_ENTRIES, ttl: this.ttlMs, ttlAutopurge: false });
    this.lookups = options.registry ? accessMetric(options.registry) : undefined;
  }

  /**
   * Whether the subject may do it: from the cache, a review already under way, or a new one.
   * An answer past its renewal point (between half and nine tenths of its TTL, see RENEW_FROM)
   * is still given but reviewed again in the background, so a person who keeps reading never
   * waits for a review after their first request, while no answer given is ever older than
   * the TTL (a removed RoleBinding still stops within it).
   * Only `maxRenewals` renewals run at once: answers cached together (everyone arriving at
   * nine) come due together, and a burst of hundreds of reviews stalled every request of
   * that replica; one not renewed now is renewed by a later request, or asked afresh once
   * it has expired.
   */
  allowed(subject: Subject, question: AccessQuestion): Promise<boolean> {
    const key = questionKey(subject, question);
    const known = this.known(subject, question, key);
    if (known !== undefined) return Promise.resolve(known);
    const under = this.pending.get(key);
    if (under) {
      this.lookups?.inc({ result: 'coalesced' });
      return under;
    }
    this.lookups?.inc({ result: 'miss' });
    return this.start(subject, question, key);
  }

  /**
   * The cached answer, renewed behind it when due (see {@link allowed}), or undefined when
   * there is none: lets a request whose answers are all cached decide without a promise per
   * question.
   */
  known(subject: Subject, question: AccessQuestion, key = questionKey(subject, question)): boolean | undefined {
    const cached = this.cache.get(key);
    if (cached === undefined) return undefined;
    this.lookups?.inc({ result: 'hit' });
    if (this.renewing < this.maxRenewals && performance.now() >= cached.renewAt && !this.pending.has(key)) {
      this.lookups?.inc({ result: 'refresh' });
      this.renewing += 1;
      void this.start(subject, question, key).finally(() => (this.renewing -= 1));
    }
    return cached.allowed;
  }

  /** One review, shared by whoever asks the same question until it answers. */
  private start(subject: Subject, question: AccessQuestion, key: string): Promise<boolean> {
    const review = this.review(subject, question, key).finally(() => this.pending.delete(key));
    this.pending.set(key, review);
    return review;
  }

  private async review(subject: Subject, question: AccessQuestion, key: string): Promise<boolean> {
    try {
      const allowed = await this.send(subject, question);
      this.cache.set(key, { allowed, renewAt: performance.now() + this.ttlMs * (RENEW_FROM + (RENEW_TO - RENEW_FROM) * this.random()) });
      if (this.failing) this.logger.info('SubjectAccessReviews answer again; the portal shows what RBAC allows');
      this.failing = false;
      return allowed;
    } catch (error) {
      // Not cached: the next request asks again. Logged once per outage, not per question.
      this.lookups?.inc({ result: 'error' });
      if (!this.failing)
        this.logger.error({ err: error }, 'SubjectAccessReview failed; hiding what it would have decided until reviews answer again');
      this.failing = true;
      return false;
    }
  }

  /** Answers held now (for tests and the benchmark). */
  get size(): number {
    return this.cache.size;
  }
}

function accessMetric(registry: Registry): Counter<'result'> {
  const name = 'greenroom_access_review_lookups_total';
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Counter<'result'>;
  return new Counter({
    name,
    help: 'Access questions for signed-in people, by result: hit (cached answer), refresh (a cached answer past its renewal point, reviewed again in the background), coalesced (joined a review under way), miss (a SubjectAccessReview sent), error (a review failed: denied, or the cached answer kept until it expires).',
    labelNames: ['result'],
    registers: [registry],
  });
}
