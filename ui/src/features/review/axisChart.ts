// One axis of the review as a uPlot chart: the weekly share positive as a line, its 95%
// Wilson interval as a band, nothing for weeks below the minimum n, and the reference lines
// (team target, national figures) drawn across with their labels.
import type uPlot from 'uplot';
import type { AlignedData, Options } from 'uplot';
import type { Review } from '../../lib/ipc';
import type { AxisName, Reference } from './references';
import { inProgress } from './figures';
import { today } from '../../lib/format';
import { count } from '../../lib/i18n/index.svelte';

export const COLORS: Record<AxisName, { line: string; band: string }> = {
  functional: { line: '#2563eb', band: 'rgba(37, 99, 235, 0.14)' },
  emotional: { line: '#d97706', band: 'rgba(217, 119, 6, 0.16)' },
};
const REFERENCE_COLORS = { target: '#0f766e', national: '#6b7280' };

/** The colour of a CSS variable of the page's theme (light or dark), or `fallback`. */
function themed(name: string, fallback: string): string {
  if (typeof document === 'undefined') return fallback;
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

const pct = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 10);

export function axisData(review: Review, axis: AxisName): AlignedData {
  const shown = review.weeks.map((w) => w.n >= review.min_n);
  const col = (pick: (i: number) => number | null) => review.weeks.map((_, i) => (shown[i] ? pct(pick(i)) : null));
  const w = (i: number) => review.weeks[i]!;
  return [
    review.weeks.map((_, i) => i),
    col((i) => w(i)[`${axis}_share`]),
    col((i) => w(i)[`${axis}_ci_low`]),
    col((i) => w(i)[`${axis}_ci_high`]),
  ];
}

/** Draws each reference as a dashed horizontal line with its label at the right end. */
function drawReferences(refs: () => AxisView['refs'], scale: number) {
  return (u: uPlot) => {
    const ctx = u.ctx;
    const { left, width } = u.bbox;
    const px = devicePixelRatio * scale;
    ctx.save();
    ctx.font = `${Math.round(11 * px)}px sans-serif`;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'bottom';
    for (const r of refs()) {
      const y = Math.round(u.valToPos(r.value, 'y', true));
      ctx.strokeStyle = REFERENCE_COLORS[r.kind];
      ctx.fillStyle = REFERENCE_COLORS[r.kind];
      ctx.lineWidth = px;
      ctx.setLineDash(r.kind === 'target' ? [8 * px, 4 * px] : [3 * px, 3 * px]);
      ctx.beginPath();
      ctx.moveTo(left, y);
      ctx.lineTo(left + width, y);
      ctx.stroke();
      ctx.fillText(r.text, left + width - 4 * px, y - 2 * px);
    }
    ctx.restore();
  };
}

/** What a chart shows right now; its options read it, so new data needs no new chart. */
export interface AxisView {
  review: Review;
  refs: { value: number; kind: Reference['kind']; text: string }[];
  /** Weeks with a lead's note: a dotted line with the note's number at the top. */
  notes?: { index: number; mark: string }[];
}

/** Draws each week note as a dotted vertical line with its number at the top. */
function drawNotes(notes: () => AxisView['notes'], scale: number) {
  return (u: uPlot) => {
    const ctx = u.ctx;
    const { top, height } = u.bbox;
    const px = devicePixelRatio * scale;
    ctx.save();
    ctx.font = `bold ${Math.round(11 * px)}px sans-serif`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    ctx.strokeStyle = '#7c3aed';
    ctx.fillStyle = '#7c3aed';
    ctx.lineWidth = px;
    ctx.setLineDash([2 * px, 3 * px]);
    for (const n of notes() ?? []) {
      const x = Math.round(u.valToPos(n.index, 'x', true));
      ctx.beginPath();
      ctx.moveTo(x, top + 14 * px);
      ctx.lineTo(x, top + height);
      ctx.stroke();
      ctx.fillText(n.mark, x, top);
    }
    ctx.restore();
  };
}

/** The chart's options; `scale` enlarges type, lines and margins alike (the exported PNG
 * draws the same chart at twice the size). */
export function axisOptions(
  view: () => AxisView,
  axis: AxisName,
  label: string,
  onWeek: (index: number) => void,
  height = 240,
  scale = 1,
  paper = false,
): Options {
  const px = (n: number) => Math.round(n * scale);
  // On screen the labels and the grid follow the theme; an exported picture is always light.
  const ink = paper ? '#374151' : themed('--muted', '#5f6b7a');
  const grid = paper ? '#e5e7eb' : themed('--line', '#e5e7eb');
  const weeks = () => view().review.weeks;
  // Long ranges label every few weeks, as many as fit side by side: a label is about as wide
  // as its longest line, "n=" and the week's count, at some 5.5 px a character of 10 px type,
  // plus a gap that keeps neighbours apart.
  const ticks = (u: uPlot, splits: number[]) => {
    const chars = Math.max(3, ...weeks().map((w) => `n=${count(w.n)}`.length));
    const room = u.bbox.width / devicePixelRatio / ((chars * 5.5 + 8) * scale);
    const step = Math.max(1, Math.ceil(weeks().length / Math.max(1, room)));
    const now = today();
    return splits.map((i) => {
      const w = weeks()[i];
      // A week still in progress is starred; the note under the charts says what it means.
      const star = w && inProgress(w, now) ? '*' : '';
      return w && i % step === 0 ? `${w.week.slice(5)}${star}\nn=${count(w.n)}` : '';
    });
  };
  const bound = { stroke: 'transparent', width: 0, points: { show: false } };
  const color = COLORS[axis];
  return {
    width: 600,
    height,
    legend: { show: false },
    // A vertical line marks the week under the pointer; a horizontal one would look like a
    // reference line.
    cursor: { drag: { x: false, y: false }, y: false, points: { size: 9 } },
    scales: {
      x: { time: false, range: () => [-0.5, weeks().length - 0.5] },
      y: { range: [0, 100] },
    },
    axes: [
      {
        splits: () => weeks().map((_, i) => i),
        values: ticks,
        size: px(44),
        gap: px(4),
        grid: { show: false },
        ticks: { size: px(10), stroke: grid },
        stroke: ink,
        font: `${px(10)}px sans-serif`,
      },
      {
        splits: () => [0, 25, 50, 75, 100],
        values: (_u, splits) => splits.map((v) => `${v}%`),
        size: px(50),
        gap: px(5),
        grid: { stroke: grid, width: scale },
        ticks: { size: px(10), stroke: grid },
        stroke: ink,
        font: `${px(11)}px sans-serif`,
      },
    ],
    series: [
      {},
      { label, stroke: color.line, width: 2.5 * scale, points: { size: px(5), fill: color.line } },
      { ...bound, label: `${label} low` },
      { ...bound, label: `${label} high` },
    ],
    bands: [{ series: [3, 2], fill: color.band }],
    hooks: {
      draw: [drawReferences(() => view().refs, scale), drawNotes(() => view().notes, scale)],
      ready: [
        (u) => {
          u.over.addEventListener('click', () => {
            const i = u.cursor.idx;
            if (i !== null && i !== undefined) onWeek(i);
          });
        },
      ],
    },
  };
}
