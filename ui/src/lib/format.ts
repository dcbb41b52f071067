import type { Channel, Language } from './ipc';

export const CHANNELS: readonly Channel[] = ['phone', 'email', 'chat', 'counter', 'social', 'visit'];
export const RATINGS = [1, 2, 3, 4, 5] as const;
export const NOTE_MAX = 2000;

/** The locale each language writes its dates and numbers in. */
export const locales: Record<Language, string> = { en: 'en-GB', nl: 'nl-NL' };

/** 0.754 → "75%". */
export function percent(share: number | null): string {
  return share === null ? '–' : `${Math.round(share * 100)}%`;
}

/** The date and time as the staff member's clock showed it (the stored offset, not ours);
 * with the year when asked, and always when it is not this year. */
export function wallClock(rfc3339: string, lang: Language, withYear = false): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(rfc3339);
  if (!m) return rfc3339;
  const [, y, mo, d, h, mi] = m;
  withYear ||= Number(y) !== new Date().getFullYear();
  const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  const day = new Intl.DateTimeFormat(locales[lang], {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    ...(withYear ? { year: 'numeric' } : {}),
    timeZone: 'UTC',
  }).format(date);
  return `${day} ${h}:${mi}`;
}

/** "2026-11-16" → "16 Nov". */
export function shortDate(isoDate: string, lang: Language): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  return new Intl.DateTimeFormat(locales[lang], { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(date);
}

/** The value of a datetime-local input for a stored timestamp: its own wall-clock time. */
export function toLocalInput(rfc3339: string): string {
  return rfc3339.slice(0, 16);
}

/** Today's date on this computer's clock, as YYYY-MM-DD. */
export function today(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}


/** A range of dates with the years wherever they are needed: "2 – 22 Nov 2026" within a
 * month, "8 Dec 2025 – 6 Dec 2026" across a year end. */
export function dateRange(from: string, to: string, lang: Language): string {
  const fmt = (d: string, opts: Intl.DateTimeFormatOptions) =>
    new Intl.DateTimeFormat(locales[lang], { ...opts, timeZone: 'UTC' }).format(new Date(`${d}T00:00:00Z`));
  const full: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'short', year: 'numeric' };
  if (from.slice(0, 4) !== to.slice(0, 4)) return `${fmt(from, full)} – ${fmt(to, full)}`;
  if (from.slice(0, 7) !== to.slice(0, 7)) return `${fmt(from, { day: 'numeric', month: 'short' })} – ${fmt(to, full)}`;
  return `${fmt(from, { day: 'numeric' })} – ${fmt(to, full)}`;
}
