// The current language and the t() lookup. The language follows the system locale until the
// user picks one in Settings; reading `t` inside markup re-renders when it changes.
import type { ErrorPayload, Language } from '../ipc';
import { IpcError } from '../ipc';
import { locales } from '../format';
import { en, type Dictionary, type Key } from './en';
import { nl } from './nl';

export type { Key } from './en';
export const dictionaries: Record<Language, Dictionary> = { en, nl };

export function systemLanguage(): Language {
  const langs = typeof navigator === 'undefined' ? [] : [...(navigator.languages ?? []), navigator.language];
  return langs.some((l) => l?.toLowerCase().startsWith('nl')) ? 'nl' : 'en';
}

const state = $state<{ lang: Language }>({ lang: systemLanguage() });

export function language(): Language {
  return state.lang;
}

/** Sets the language; `null` follows the system again. */
export function setLanguage(lang: Language | null): void {
  state.lang = lang ?? systemLanguage();
  if (typeof document !== 'undefined') document.documentElement.lang = state.lang;
}

// Made on first use: the first one loads ICU's data, which the log form does not wait for.
const numbers: Partial<Record<Language, Intl.NumberFormat>> = {};
const numberFormat = (lang: Language) => (numbers[lang] ??= new Intl.NumberFormat(locales[lang]));

/** A count written the way the current language writes it ("25,349"; Dutch "25.349"). */
export function count(n: number): string {
  return numberFormat(state.lang).format(n);
}

/** The text for `key` with its `{placeholders}` filled in; numbers are written the way the
 * language writes them ("325,974" in English, "325.974" in Dutch). */
export function t(key: Key, vars: Record<string, string | number> = {}): string {
  const text: string = dictionaries[state.lang][key];
  const fill = (v: string | number) => (typeof v === 'number' ? numberFormat(state.lang).format(v) : v);
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? fill(vars[name]!) : m));
}

/** Looks up a key built at run time (a channel, a field), falling back to the raw value. */
export function tOr(key: string, fallback: string): string {
  return key in en ? t(key as Key) : fallback;
}

/** A core error in the user's language, naming the field where there is one. */
export function errorText(e: unknown): string {
  const p: ErrorPayload =
    e instanceof IpcError
      ? e.payload
      : { code: 'internal', message: String(e), field: null, kind: null };
  switch (p.code) {
    case 'validation': {
      // Where a field's limits are worth naming, it has a text of its own.
      const specific = `error.${p.kind}.${p.field}`;
      if (specific in en) return t(specific as Key);
      const field = p.field ? tOr(`field.${p.field}`, p.field) : '';
      return t(`error.${p.kind ?? 'unparseable'}`, { field });
    }
    case 'internal':
      return t('error.internal', { message: p.message });
    case 'storage':
      // A file the user chose, not the journal, could not be written.
      return p.field === 'file' ? t('error.storage.file', { message: p.message }) : t('error.storage');
    default:
      return t(`error.${p.code}`);
  }
}
