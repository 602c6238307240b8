/** The progress of an initiative over time as an SVG drawn on the server: no script, no inline style. */

export interface ChartSize {
  width: number;
  height: number;
}

export interface ChartDot {
  x: number;
  y: number;
  date: string;
  /** The share as a person reads it, e.g. "40%". */
  label: string;
}

export interface ProgressChart extends ChartSize {
  /** The plot area inside the axes. */
  plot: { left: number; top: number; right: number; bottom: number };
  /** `points` of the polyline: "x,y x,y …", oldest first. */
  points: string;
  dots: ChartDot[];
  yTicks: { y: number; label: string }[];
  xLabels: { x: number; label: string; anchor: 'start' | 'middle' | 'end' }[];
  /** Where the deadline falls, when it is on or after the first point. */
  deadline: { x: number; label: string } | undefined;
  title: string;
  desc: string;
  empty: boolean;
}

const MARGIN = { left: 46, right: 18, top: 14, bottom: 30 };
const DAY_MS = 86_400_000;
/** Closer than this (in chart units), two date labels would overlap: the later one gives way. */
const LABEL_GAP = 84;

const round = (n: number): number => Math.round(n * 10) / 10;
const percent = (ratio: number): string => `${Math.round(ratio * 100)}%`;
const dayOf = (iso: string): string => new Date(iso).toISOString().slice(0, 10);

/**
 * Scales daily history points (date, ratio 0–1) into a chart: time runs left to right from the
 * first point to the later of the last point and the deadline, the share from 0% at the bottom
 * to 100% at the top. Unreadable dates are dropped; ratios are clamped to 0–1.
 */
export function progressChart(
  history: readonly { date: string; ratio: number }[],
  deadline?: string,
  size: ChartSize = { width: 640, height: 220 },
): ProgressChart {
  const plot = { left: MARGIN.left, top: MARGIN.top, right: size.width - MARGIN.right, bottom: size.height - MARGIN.bottom };
  const points = history
    .map((h) => ({ date: h.date, time: Date.parse(h.date), ratio: Math.min(1, Math.max(0, h.ratio)) }))
    .filter((p) => Number.isFinite(p.time))
    .sort((a, b) => a.time - b.time);
  const due = deadline === undefined ? Number.NaN : Date.parse(deadline);
  const yTicks = [0, 0.25, 0.5, 0.75, 1].map((r) => ({ y: round(plot.bottom - r * (plot.bottom - plot.top)), label: percent(r) }));
  const title = 'Share of entities at target over time';
  const first = points[0];
  const last = points.at(-1);
  if (!first || !last) {
    return {
      ...size,
      plot,
      points: '',
      dots: [],
      yTicks,
      xLabels: [],
      deadline: undefined,
      title,
      desc: 'No progress recorded yet.',
      empty: true,
    };
  }
  const start = first.time;
  const end = Number.isFinite(due) && due > last.time ? due : last.time;
  // A single day (and no later deadline) has no time axis to spread over: it sits in the middle.
  const x = (time: number): number =>
    round(end === start ? (plot.left + plot.right) / 2 : plot.left + ((time - start) / (end - start)) * (plot.right - plot.left));
  const y = (ratio: number): number => round(plot.bottom - ratio * (plot.bottom - plot.top));
  const dots = points.map((p) => ({ x: x(p.time), y: y(p.ratio), date: dayOf(p.date), label: percent(p.ratio) }));
  const deadlineMark = Number.isFinite(due) && due >= start ? { x: x(due), label: `due ${dayOf(new Date(due).toISOString())}` } : undefined;

  const xLabels: ProgressChart['xLabels'] = [];
  const place = (at: number, label: string) => {
    if (xLabels.some((l) => Math.abs(l.x - at) < LABEL_GAP)) return;
    xLabels.push({ x: at, label, anchor: at <= plot.left + 1 ? 'start' : at >= plot.right - 1 ? 'end' : 'middle' });
  };
  place(dots[0]!.x, dots[0]!.date);
  if (deadlineMark) place(deadlineMark.x, deadlineMark.label);
  place(dots.at(-1)!.x, dots.at(-1)!.date);
  xLabels.sort((a, b) => a.x - b.x);

  const days = Math.round((last.time - start) / DAY_MS) + 1;
  const span =
    first === last
      ? `on ${dayOf(first.date)}: ${percent(first.ratio)}`
      : `over ${days} days, from ${percent(first.ratio)} on ${dayOf(first.date)} to ${percent(last.ratio)} on ${dayOf(last.date)}`;
  const desc = `Share of entities at target ${span}${Number.isFinite(due) ? `; deadline ${dayOf(new Date(due).toISOString())}` : ''}.`;
  return {
    ...size,
    plot,
    points: dots.map((d) => `${d.x},${d.y}`).join(' '),
    dots,
    yTicks,
    xLabels,
    deadline: deadlineMark,
    title,
    desc,
    empty: false,
  };
}
