import { afterEach, describe, expect, it } from 'vitest';
import { count, setLanguage, t } from './index.svelte';
import { en } from './en';
import { nl } from './nl';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('dictionaries', () => {
  it('have exactly the same keys', () => {
    expect(Object.keys(nl).sort()).toEqual(Object.keys(en).sort());
  });

  it('have no empty texts and the same placeholders per key', () => {
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(en[key].trim(), key).not.toBe('');
      expect(nl[key].trim(), key).not.toBe('');
      expect(placeholders(nl[key]), key).toEqual(placeholders(en[key]));
    }
  });

  it('ask the two questions in the words of the research', () => {
    expect(nl['q.functional']).toBe('Opgelost?');
    expect(nl['q.emotional']).toBe('Voelde de klant zich welkom?');
    expect(en['q.functional']).toBe('Was it solved?');
    expect(en['q.emotional']).toBe('Did the customer feel welcome?');
  });
});

describe('t', () => {
  afterEach(() => setLanguage('en'));

  it('writes numbers the way the current language does, also after switching back and forth', () => {
    setLanguage('nl');
    expect(t('journal.subtitle', { n: 325974 })).toBe('De laatste 325.974 contacten die je vastlegde, nieuwste eerst.');
    setLanguage('en');
    expect(t('journal.subtitle', { n: 325974 })).toBe('The latest 325,974 contacts you logged, newest first.');
    setLanguage('nl');
    expect(t('form.note.count', { n: 1500, max: 2000 })).toBe('1.500 van 2.000 tekens');
    expect(count(25349)).toBe('25.349');
    setLanguage('en');
    expect(count(25349)).toBe('25,349');
  });
});
