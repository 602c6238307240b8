/**
 * Sums every series of one metric on a Prometheus text exposition page (0 when it has none):
 * how benchmarks and tests read an operator's counters from outside, as Prometheus would.
 */
export function sumOfMetric(exposition: string, name: string): number {
  let sum = 0;
  for (const line of exposition.split('\n')) {
    if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) sum += Number(line.split(' ').at(-1));
  }
  return sum;
}
