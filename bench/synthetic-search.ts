/**
 * A synthetic catalog and docs corpus for the search benchmark, generated deterministically
 * from a seed: entities with varied names, titles, descriptions, tags and owners, and doc
 * pages of 300–800 words whose words follow a Zipf distribution over a vocabulary of common
 * words and generated ones — so the index sees a long tail of rare terms, as real docs have.
 */
import { toEntity, type Entity } from '../src/catalog/entity.ts';
import type { DocPage } from '../src/docs/site.ts';

/** mulberry32: a small, fast, seedable PRNG; the same seed gives the same corpus everywhere. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Random = () => number;
export const pick = <T>(rnd: Random, list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
export const between = (rnd: Random, min: number, max: number): number => min + Math.floor(rnd() * (max - min + 1));

/** Business domains entity names are built from. */
export const DOMAINS = (
  'checkout payments inventory catalog search billing ledger shipping orders cart auth identity profile notifications email sms ' +
  'recommendations pricing tax fraud risk analytics reporting ingest gateway edge media images video chat support tickets crm ' +
  'sales marketing campaigns loyalty rewards wallet subscriptions invoices refunds returns warehouse fulfilment logistics routing ' +
  'maps geo weather flags experiments config secrets audit compliance onboarding accounts users sessions tokens scheduler ' +
  'events webhooks partners vendors merchants settlement payouts disputes chargebacks kyc sanctions ratings reviews wishlist ' +
  'coupons promotions storefront mobile desktop admin backoffice observability metrics tracing logging alerting deploy builds'
).split(' ');
const SUFFIXES =
  'service api worker ui web db cache consumer producer adapter sync job proxy indexer exporter importer gateway bff store'.split(' ');
const QUALIFIERS = 'eu us apac legacy v2 next internal public batch realtime'.split(' ');
const TAGS = (
  'typescript java go python rust kotlin scala ruby grpc rest graphql kafka postgres mysql redis elasticsearch s3 pci gdpr ' +
  'tier-1 tier-2 tier-3 critical experimental deprecated frontend backend data ml batch streaming public internal'
).split(' ');
const SPEC_TYPES: Record<string, string[]> = {
  Component: ['service', 'website', 'library', 'worker'],
  API: ['openapi', 'grpc', 'graphql', 'asyncapi'],
  Resource: ['database', 'queue', 'bucket', 'cache'],
  System: [''],
  Domain: [''],
  Group: ['team'],
  User: [''],
};

/** Common words, most frequent first: the head of the Zipf distribution doc text is drawn from. */
const COMMON = (
  'the of and to a in is for that it on with as be this by are or from at you can an not your when which use will if has we ' +
  'service request data user each all one more new also may its other then only into set run file time must value should need ' +
  'default first change configuration error page see used using example before after call list add key name version deploy ' +
  'cluster team release build test check update create delete read write table field event message queue retry timeout cache ' +
  'database index query response status code client server token session account order payment price stock customer report ' +
  'metric alert log trace dashboard incident runbook rollback migration schema backup restore region zone node pod container ' +
  'image secret certificate endpoint route proxy limit quota batch stream topic partition offset consumer producer worker job ' +
  'schedule cron window latency throughput capacity scale replica shard primary secondary failover health probe readiness ' +
  'liveness owner contact escalation oncall pager ticket review approve merge branch commit pipeline stage environment staging ' +
  'production sandbox feature flag experiment cohort segment audience campaign email notification template render locale ' +
  'currency tax invoice refund dispute ledger balance transfer settlement payout fee rate rule policy permission role access ' +
  'audit compliance retention archive export import sync mirror snapshot replay drain rotate signing keys dead letter'
).split(' ');

const SYLLABLE_ONSETS = [
  'b',
  'c',
  'd',
  'f',
  'g',
  'h',
  'k',
  'l',
  'm',
  'n',
  'p',
  'r',
  's',
  't',
  'v',
  'w',
  'z',
  'br',
  'cr',
  'dr',
  'gr',
  'pl',
  'st',
  'tr',
  'sh',
  'ch',
  'th',
];
const SYLLABLE_VOWELS = ['a', 'e', 'i', 'o', 'u', 'ai', 'ea', 'io', 'ou'];
const SYLLABLE_CODAS = ['', '', 'n', 'r', 's', 't', 'l', 'm', 'x', 'nd', 'st'];

/** The vocabulary: the common words, then generated words of 2–4 syllables (the long tail). */
export function vocabulary(rnd: Random, generated: number): string[] {
  const words = new Set(COMMON);
  while (words.size < COMMON.length + generated) {
    let w = '';
    for (let s = between(rnd, 2, 4); s > 0; s--) w += pick(rnd, SYLLABLE_ONSETS) + pick(rnd, SYLLABLE_VOWELS) + pick(rnd, SYLLABLE_CODAS);
    words.add(w);
  }
  return [...words];
}

/** Draws ranks 0…n-1 with probability ∝ 1/(rank+1)^s (inverse CDF over a precomputed table). */
export function zipf(rnd: Random, n: number, s: number): () => number {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) cdf[i] = sum += 1 / (i + 1) ** s;
  return () => {
    const x = rnd() * sum;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

const titleCase = (words: string[]): string => words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join(' ');

/** `count` entities: mostly components, then APIs, resources, systems, groups, users, domains. */
export function syntheticEntities(rnd: Random, count: number, namespace: string): Entity[] {
  const mix: [string, number][] = [
    ['Component', 0.68],
    ['API', 0.08],
    ['Resource', 0.12],
    ['System', 0.04],
    ['Domain', 0.01],
    ['Group', 0.04],
    ['User', 0.03],
  ];
  const teams = Array.from({ length: Math.round(count * 0.04) }, (_, i) => `${pick(rnd, DOMAINS)}-team-${i}`);
  const names = new Set<string>();
  const entities: Entity[] = [];
  for (const [kind, share] of mix) {
    for (let i = 0; i < Math.round(count * share); i++) {
      let name: string;
      do {
        const parts = [pick(rnd, DOMAINS)];
        if (rnd() < 0.5) parts.push(pick(rnd, DOMAINS));
        if (kind === 'Group') name = teams[i % teams.length]!;
        else if (kind === 'User') name = `${pick(rnd, COMMON.slice(120))}.${pick(rnd, DOMAINS)}${between(rnd, 1, 99)}`;
        else
          name = [
            ...(rnd() < 0.15 ? [pick(rnd, QUALIFIERS)] : []),
            ...parts,
            ...(kind === 'Component' || kind === 'API' || kind === 'Resource' ? [pick(rnd, SUFFIXES)] : []),
          ].join('-');
        if (names.has(name)) name += `-${between(rnd, 2, 999)}`;
      } while (names.has(name));
      names.add(name);
      const words = name.split(/[-.]/).filter((w) => !/^\d+$/.test(w));
      const spec: Record<string, unknown> = {
        description: `${titleCase([pick(rnd, ['handles', 'serves', 'stores', 'routes', 'computes', 'tracks', 'exports'])])} ${words.join(' ')} ${pick(rnd, COMMON.slice(60))} for the ${pick(rnd, DOMAINS)} ${pick(rnd, ['flow', 'team', 'platform', 'domain', 'product'])}; ${pick(rnd, ['talks to', 'reads from', 'writes to', 'depends on'])} ${pick(rnd, DOMAINS)} ${pick(rnd, SUFFIXES)} over ${pick(rnd, ['grpc', 'rest', 'kafka', 'sqs', 'http'])}.`,
        tags: Array.from({ length: between(rnd, 0, 4) }, () => pick(rnd, TAGS)).filter((t, j, all) => all.indexOf(t) === j),
      };
      if (rnd() < 0.6) spec.title = titleCase(words);
      const type = pick(rnd, SPEC_TYPES[kind] ?? ['']);
      if (type) spec.type = type;
      if (kind !== 'Group' && kind !== 'User') spec.owner = rnd() < 0.8 ? pick(rnd, teams) : `group:${namespace}/${pick(rnd, teams)}`;
      const entity = toEntity({
        apiVersion: 'greenroom.dev/v1alpha1',
        kind,
        metadata: { name, namespace, uid: `uid-${entities.length}`, generation: 1 },
        spec,
      });
      if (entity) entities.push(entity);
    }
  }
  return entities;
}

export interface SyntheticSite {
  namespace: string;
  name: string;
  siteName: string;
  entityRef?: string;
  pages: DocPage[];
}

/**
 * `sites` DocSources of `pagesPerSite` pages; each page's text is 300–800 words in sentences,
 * drawn from `words` with Zipf(1.1), plus one of `phrases` (a known 4-word phrase to look for).
 */
export function syntheticDocs(
  rnd: Random,
  sites: number,
  pagesPerSite: number,
  namespace: string,
  entities: Entity[],
  words: string[],
  phrases: string[],
): SyntheticSite[] {
  const rank = zipf(rnd, words.length, 1.1);
  const word = (): string => words[rank()]!;
  const sentence = (n: number): string => {
    const ws = Array.from({ length: n }, word);
    return `${ws[0]![0]!.toUpperCase()}${ws.join(' ').slice(1)}.`;
  };
  const result: SyntheticSite[] = [];
  for (let s = 0; s < sites; s++) {
    const entity = pick(rnd, entities);
    const siteName = `${titleCase(entity.name.split(/[-.]/))} docs`;
    const pages: DocPage[] = [];
    for (let p = 0; p < pagesPerSite; p++) {
      const target = between(rnd, 300, 800);
      const sentences: string[] = [];
      let length = 0;
      while (length < target) {
        const n = between(rnd, 6, 22);
        sentences.push(sentence(n));
        length += n;
      }
      const phrase = phrases[(s * pagesPerSite + p) % phrases.length]!;
      sentences.splice(between(rnd, 0, sentences.length), 0, `${phrase[0]!.toUpperCase()}${phrase.slice(1)} ${entity.name}.`);
      const headings = Array.from({ length: between(rnd, 2, 6) }, (_, i) => ({
        level: 2,
        id: `h-${i}`,
        text: titleCase(Array.from({ length: between(rnd, 1, 4) }, word)),
      }));
      const title = p === 0 ? siteName : titleCase(Array.from({ length: between(rnd, 2, 5) }, word));
      const slug = p === 0 ? '' : `guides/page-${p}`;
      pages.push({ path: `${slug || 'index'}.md`, slug, title, html: '', headings, text: sentences.join(' ') });
    }
    result.push({ namespace, name: `${entity.name.replace(/\./g, '-').slice(0, 50)}-docs-${s}`, siteName, entityRef: entity.ref, pages });
  }
  return result;
}

/** Distinct 4-word phrases of less common words, e.g. "replay drain vosteak brion". */
export function syntheticPhrases(rnd: Random, count: number, words: string[]): string[] {
  const phrases = new Set<string>();
  const tail = words.slice(200);
  while (phrases.size < count) phrases.add(Array.from({ length: 4 }, () => pick(rnd, tail)).join(' '));
  return [...phrases];
}
