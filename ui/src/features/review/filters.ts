// The review's filters and how they become the query the core answers. Ranges are whole ISO
// weeks ending with the current week; the core snaps any date to its week.
import type { Channel, WeeklyQuery } from '../../lib/ipc';

export { today } from '../../lib/format';

export type Preset = '12w' | 'quarter' | 'year' | 'all' | 'custom';
export const PRESETS: readonly Preset[] = ['12w', 'quarter', 'year', 'all', 'custom'];
const PRESET_WEEKS: Record<'12w' | 'quarter' | 'year', number> = { '12w': 12, quarter: 13, year: 52 };

/** A lead in a team looks at the team's week or at their own contacts. */
export type Scope = 'team' | 'me';

export interface Filters {
  scope: Scope;
  preset: Preset;
  /** Only used with the custom preset (YYYY-MM-DD). */
  from: string;
  to: string;
  staff: string[];
  channel: Channel | null;
  topic: string | null;
}

export function defaultFilters(): Filters {
  return { scope: 'team', preset: '12w', from: '', to: '', staff: [], channel: null, topic: null };
}

export function addDays(isoDate: string, days: number): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The Monday of the ISO week holding a date. */
export function monday(isoDate: string): string {
  const day = new Date(`${isoDate}T00:00:00Z`).getUTCDay();
  return addDays(isoDate, -((day + 6) % 7));
}

/** The query for these filters; `firstDay` is the oldest contact's date (for "all"); `me` is
 * the name this desk logs under when it offers the scope (a lead's desk in a team). */
export function toQuery(f: Filters, todayDate: string, firstDay: string | null, me: string | null = null): WeeklyQuery {
  let from: string | null;
  let to: string | null = todayDate;
  switch (f.preset) {
    case 'all':
      from = firstDay && firstDay < todayDate ? firstDay : todayDate;
      break;
    case 'custom':
      from = f.from || null;
      to = f.to || todayDate;
      break;
    default:
      from = addDays(monday(todayDate), -7 * (PRESET_WEEKS[f.preset] - 1));
  }
  const staff = me !== null && f.scope === 'me' ? [me] : [...f.staff];
  return { from, to, staff, channel: f.channel, topic: f.topic };
}
