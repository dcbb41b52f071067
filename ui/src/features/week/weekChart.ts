// Turns a weekly report into uPlot series: share positive per axis as lines, their 95%
// Wilson intervals as bands, nothing at all for weeks below the minimum n.
import type { AlignedData, Options } from 'uplot';
import type { WeeklyReport } from '../../lib/ipc';

const COLORS = {
  functional: '#2563eb',
  functionalBand: 'rgba(37, 99, 235, 0.14)',
  emotional: '#d97706',
  emotionalBand: 'rgba(217, 119, 6, 0.16)',
};

const pct = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 10);

export function chartData(report: WeeklyReport): AlignedData {
  const shown = report.weeks.map((w) => w.n >= report.min_n);
  const col = (pick: (i: number) => number | null) =>
    report.weeks.map((_, i) => (shown[i] ? pct(pick(i)) : null));
  const w = (i: number) => report.weeks[i]!;
  return [
    report.weeks.map((_, i) => i),
    col((i) => w(i).functional_share),
    col((i) => w(i).functional_ci_low),
    col((i) => w(i).functional_ci_high),
    col((i) => w(i).emotional_share),
    col((i) => w(i).emotional_ci_low),
    col((i) => w(i).emotional_ci_high),
  ];
}

export function chartOptions(
  report: WeeklyReport,
  labels: { functional: string; emotional: string },
  height = 320,
): Options {
  const ticks = report.weeks.map((w) => `${w.week.slice(5)}\nn=${w.n}`);
  const bound = { stroke: 'transparent', width: 0, points: { show: false } };
  return {
    width: 800,
    height,
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
    scales: {
      x: { time: false, range: [-0.5, report.weeks.length - 0.5] },
      y: { range: [0, 100] },
    },
    axes: [
      {
        splits: () => report.weeks.map((_, i) => i),
        values: (_u, splits) => splits.map((i) => ticks[i] ?? ''),
        size: 48,
        gap: 6,
        grid: { show: false },
      },
      {
        splits: () => [0, 25, 50, 75, 100],
        values: (_u, splits) => splits.map((v) => `${v}%`),
        size: 52,
        grid: { stroke: '#e5e7eb', width: 1 },
      },
    ],
    series: [
      {},
      { label: labels.functional, stroke: COLORS.functional, width: 2.5, points: { size: 7, fill: COLORS.functional } },
      { ...bound, label: `${labels.functional} low` },
      { ...bound, label: `${labels.functional} high` },
      { label: labels.emotional, stroke: COLORS.emotional, width: 2.5, points: { size: 7, fill: COLORS.emotional } },
      { ...bound, label: `${labels.emotional} low` },
      { ...bound, label: `${labels.emotional} high` },
    ],
    bands: [
      { series: [3, 2], fill: COLORS.functionalBand },
      { series: [6, 5], fill: COLORS.emotionalBand },
    ],
  };
}
