import { isRecord } from './model.ts';
import { isLabelValue, isMetadataKey } from './names.ts';

/** What a Backstage entity's metadata becomes in a Greenroom object. */
export interface ConvertedMetadata {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** title, description, tags, links: spec fields in Greenroom. */
  descriptive: Record<string, unknown>;
  /** Values with no place in Greenroom, keyed by their Backstage path. */
  unmapped: Record<string, unknown>;
  warnings: string[];
}

/** Identity is handled by the caller; uid, etag and generation are the Backstage server's bookkeeping. */
const NOT_CARRIED = new Set(['name', 'namespace', 'uid', 'etag', 'generation']);
const LINK_FIELDS = new Set(['url', 'title', 'icon']);
const TAG = /^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$/;
const ABSOLUTE_URL = /^[a-zA-Z][a-zA-Z0-9+.-]*:/;

/** YAML reads `replicas: 3` as a number; Kubernetes wants every label and annotation value as a string. */
const asText = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;

/** Splits Backstage metadata into Kubernetes metadata, Greenroom's descriptive spec fields and what is left. */
export function convertMetadata(metadata: Record<string, unknown>): ConvertedMetadata {
  const out: ConvertedMetadata = { labels: {}, annotations: {}, descriptive: {}, unmapped: {}, warnings: [] };
  for (const [key, value] of Object.entries(metadata)) {
    if (NOT_CARRIED.has(key)) continue;
    if (key === 'labels' || key === 'annotations') copyPairs(key, value, out);
    else if (key === 'title' || key === 'description') out.descriptive[key] = value;
    else if (key === 'tags') convertTags(value, out);
    else if (key === 'links') convertLinks(value, out);
    else out.unmapped[`metadata.${key}`] = value;
  }
  return out;
}

function copyPairs(key: 'labels' | 'annotations', value: unknown, out: ConvertedMetadata): void {
  if (!isRecord(value)) {
    out.unmapped[`metadata.${key}`] = value;
    return;
  }
  for (const [name, raw] of Object.entries(value)) {
    const text = asText(raw);
    const valid = text !== undefined && isMetadataKey(name) && (key === 'annotations' || isLabelValue(text));
    if (valid) out[key][name] = text;
    else out.unmapped[`metadata.${key}.${name}`] = raw;
  }
}

/** Backstage and Greenroom share the tag pattern; tags that break it are normalised rather than refused. */
function convertTags(value: unknown, out: ConvertedMetadata): void {
  if (!Array.isArray(value)) {
    out.unmapped['metadata.tags'] = value;
    return;
  }
  const tags = new Set<string>();
  for (const [index, raw] of value.entries()) {
    const text = asText(raw);
    const tag = text
      ?.toLowerCase()
      .replace(/[^a-z0-9:+#]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 63)
      .replace(/-+$/, '');
    if (!tag || !TAG.test(tag)) out.unmapped[`metadata.tags[${index}]`] = raw;
    else {
      if (tag !== raw) out.warnings.push(`tag ${JSON.stringify(raw)} written as "${tag}"`);
      tags.add(tag);
    }
  }
  // The CRD lists tags as a set: a duplicate after normalising would be refused.
  if (tags.size > 0) out.descriptive.tags = [...tags];
}

function convertLinks(value: unknown, out: ConvertedMetadata): void {
  if (!Array.isArray(value)) {
    out.unmapped['metadata.links'] = value;
    return;
  }
  const links: Record<string, unknown>[] = [];
  for (const [index, link] of value.entries()) {
    if (!isRecord(link) || typeof link.url !== 'string' || !ABSOLUTE_URL.test(link.url)) {
      out.unmapped[`metadata.links[${index}]`] = link;
      continue;
    }
    const kept: Record<string, unknown> = {};
    for (const [field, fieldValue] of Object.entries(link)) {
      if (LINK_FIELDS.has(field)) kept[field] = fieldValue;
      else out.unmapped[`metadata.links[${index}].${field}`] = fieldValue;
    }
    links.push(kept);
  }
  if (links.length > 0) out.descriptive.links = links;
}
