// How a share is written on the review: the percentage with its 95% interval from the
// minimum n, the bare counts below it (counts are facts at any n).
import type { AxisSummary, Language, Proportion, ReviewWeek } from '../../lib/ipc';
import { addDays } from './filters';

export interface ShareText {
  main: string | null;
  interval: string | null;
  count: string;
}

/** The current week is not over yet: its figures cover the days so far. */
export const inProgress = (w: Pick<ReviewWeek, 'week_start'>, todayDate: string) => addDays(w.week_start, 6) >= todayDate;

export const pctText = (v: number | null) => (v === null ? '–' : `${Math.round(v * 100)}%`);

/** A share as it is written, from the minimum n: an axis's positive share or any other. */
export function share(
  a: Pick<AxisSummary | Proportion, 'share' | 'ci_low' | 'ci_high'>,
  n: number,
  minN: number,
): { pct: string | null; interval: string | null } {
  if (n < minN || a.share === null) return { pct: null, interval: null };
  return {
    pct: pctText(a.share),
    // A word joiner on each side of the dash keeps "47–68%" on one line.
    interval: `${Math.round((a.ci_low ?? 0) * 100)}\u2060–\u2060${Math.round((a.ci_high ?? 0) * 100)}%`,
  };
}

/** A fraction as whole percentage points. */
export const points = (v: number): number => Math.round(v * 100);

/** A fraction as signed whole percentage points; within a point of 0 it gets one decimal (one
 * significant digit within a tenth), so an interval that excludes 0 never reads "±0", "+0" or
 * "−0.0". Dutch writes a decimal comma. */
export function signedPoints(v: number, lang: Language = 'en'): string {
  const p = points(v);
  if (p === 0 && v !== 0) {
    const abs = Math.abs(v * 100);
    const digits = abs >= 0.05 ? abs.toFixed(1) : abs.toPrecision(1);
    return `${v > 0 ? '+' : '−'}${lang === 'nl' ? digits.replace('.', ',') : digits}`;
  }
  return signed(p);
}

/** The difference of two shares as a reader subtracts them: the shown percentages' difference
 * (within a point of the exact one, whose interval is shown beside it). */
export function shownDifference(now: number | null, before: number | null, exact: number): string {
  if (now === null || before === null) return signed(points(exact));
  return signed(points(now) - points(before));
}

export function signed(points: number | null): string {
  if (points === null) return '–';
  return points > 0 ? `+${points}` : points < 0 ? `−${Math.abs(points)}` : '±0';
}
