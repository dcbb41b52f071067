// The rating distribution drawn on a canvas: a column per week, each stacked from rating 1 at
// the bottom to 5 at the top, the busiest week filling the height. Hundreds of weeks × ratings
// as DOM elements made every filter change lay them all out again; one canvas is one element.
import type { ReviewWeek } from '../../lib/ipc';
import type { AxisName } from './references';

export const RATING_COLORS = ['#d64545', '#f0a35e', '#cfd4da', '#7cc6a9', '#2f9e77'] as const;

export type Rating = 1 | 2 | 3 | 4 | 5;

export interface Segment {
  week: string;
  rating: Rating;
  count: number;
  x: number;
  y: number;
  w: number;
  h: number;
}

const GAP = 2;

export const ratingsOf = (w: ReviewWeek, axis: AxisName) =>
  axis === 'functional' ? w.functional_ratings : w.emotional_ratings;

/** Where every non-empty segment goes in a width × height area (CSS pixels, y downwards). */
export function segments(weeks: ReviewWeek[], axis: AxisName, width: number, height: number): Segment[] {
  const most = Math.max(1, ...weeks.map((w) => w.n));
  const column = width / Math.max(1, weeks.length);
  const out: Segment[] = [];
  weeks.forEach((w, i) => {
    const counts = ratingsOf(w, axis);
    const total = counts.reduce((a, b) => a + b, 0);
    if (total === 0) return;
    const stack = (total / most) * height;
    let bottom = height;
    counts.forEach((count, r) => {
      if (count === 0) return;
      // Every rating present stays visible, however small its share.
      const h = Math.max(1, (count / total) * stack);
      out.push({ week: w.week, rating: (r + 1) as Rating, count, x: i * column + GAP / 2, y: bottom - h, w: Math.max(1, column - GAP), h });
      bottom -= h;
    });
  });
  return out;
}

/** The segment under a point, if any. */
export function segmentAt(all: Segment[], x: number, y: number): Segment | undefined {
  return all.find((s) => x >= s.x && x < s.x + s.w && y >= s.y && y < s.y + s.h);
}

export function draw(ctx: CanvasRenderingContext2D, all: Segment[], width: number, height: number, hover?: Segment): void {
  ctx.clearRect(0, 0, width, height);
  for (const s of all) {
    ctx.fillStyle = RATING_COLORS[s.rating - 1]!;
    ctx.fillRect(s.x, s.y, s.w, s.h);
  }
  if (hover) {
    ctx.fillStyle = 'rgba(15, 23, 42, 0.25)';
    ctx.fillRect(hover.x, hover.y, hover.w, hover.h);
  }
}
