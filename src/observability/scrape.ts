/**
 * Every series on a Prometheus text exposition page, by `name{labels}` as exposed, with its
 * value: how benchmarks and tests read an operator's metrics from outside, as Prometheus would.
 */
export function seriesOf(exposition: string): Map<string, number> {
  const series = new Map<string, number>();
  for (const line of exposition.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    series.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return series;
}

/** Sums every series of one metric on an exposition page (0 when it has none). */
export function sumOfMetric(exposition: string, name: string): number {
  let sum = 0;
  for (const [series, value] of seriesOf(exposition)) if (series === name || series.startsWith(`${name}{`)) sum += value;
  return sum;
}
