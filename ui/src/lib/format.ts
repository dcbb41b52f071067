import type { Channel, Language } from './ipc';

export const CHANNELS: readonly Channel[] = ['phone', 'email', 'chat', 'counter', 'social', 'visit'];
export const RATINGS = [1, 2, 3, 4, 5] as const;
export const NOTE_MAX = 2000;

const locales: Record<Language, string> = { en: 'en-GB', nl: 'nl-NL' };

/** 0.754 → "75%". */
export function percent(share: number | null): string {
  return share === null ? '–' : `${Math.round(share * 100)}%`;
}

/** The date and time as the staff member's clock showed it (the stored offset, not ours). */
export function wallClock(rfc3339: string, lang: Language): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(rfc3339);
  if (!m) return rfc3339;
  const [, y, mo, d, h, mi] = m;
  const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  const day = new Intl.DateTimeFormat(locales[lang], {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
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
