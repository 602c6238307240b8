import { parser } from '@prometheus-io/lezer-promql';
import { parseAllDocuments } from 'yaml';

/** One alert of a rendered PrometheusRule. */
export interface AlertQuery {
  alert: string;
  expr: string;
}

/** The alerts of every PrometheusRule in a rendered chart. */
export function alertQueries(rendered: string): AlertQuery[] {
  const rules = parseAllDocuments(rendered)
    .map((d) => d.toJS() as { kind?: string; spec?: { groups: { rules: AlertQuery[] }[] } } | null)
    .filter((o) => o?.kind === 'PrometheusRule');
  return rules.flatMap((r) => r!.spec!.groups.flatMap((g) => g.rules.map(({ alert, expr }) => ({ alert, expr }))));
}

/** What a PromQL expression reads: its syntax errors, the metrics it selects, the labels it groups or matches by. */
export interface QueryUse {
  errors: string[];
  metrics: string[];
  labels: string[];
}

/** Parsed with the Prometheus project's own grammar (@prometheus-io/lezer-promql). */
export function queryUse(expr: string): QueryUse {
  const use: QueryUse = { errors: [], metrics: [], labels: [] };
  const path: string[] = [];
  parser.parse(expr).iterate({
    enter: (node) => {
      const text = expr.slice(node.from, node.to);
      if (node.type.isError) use.errors.push(`at ${node.from}: "${expr.slice(Math.max(0, node.from - 20), node.to + 20)}"`);
      if (node.name === 'Identifier' && path.at(-1) === 'VectorSelector') use.metrics.push(text);
      if (node.name === 'LabelName' && (path.includes('GroupingLabels') || path.includes('LabelMatchers'))) use.labels.push(text);
      path.push(node.name);
    },
    leave: () => void path.pop(),
  });
  return { errors: use.errors, metrics: [...new Set(use.metrics)], labels: [...new Set(use.labels)] };
}

/** Label names of each metric in a Prometheus text exposition (what /metrics serves). */
export function exposedLabels(exposition: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const line of exposition.split('\n')) {
    const sample = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? \S+$/.exec(line);
    if (!sample) continue;
    const labels = out.get(sample[1]!) ?? new Set<string>();
    for (const [, name] of (sample[2] ?? '').matchAll(/(\w+)="(?:[^"\\]|\\.)*"/g)) labels.add(name!);
    out.set(sample[1]!, labels);
  }
  return out;
}
