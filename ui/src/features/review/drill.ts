// What a click on the review asks for: the contacts behind one week, quadrant, bar or the
// open follow-ups, always within the current filters.
import type { Axis, ContactsQuery, Quadrant, WeeklyQuery } from '../../lib/ipc';

export interface Drill {
  week?: string;
  quadrant?: Quadrant;
  axis?: Axis;
  rating?: number;
}

export const PAGE = 100;

export function drillQuery(filter: WeeklyQuery, d: Drill, offset = 0): ContactsQuery {
  return {
    filter,
    week: d.week ?? null,
    quadrant: d.quadrant ?? null,
    axis: d.axis ?? null,
    rating: d.rating ?? null,
    open_follow_ups: false,
    limit: PAGE,
    offset,
  };
}
