import { describe, expect, it } from 'vitest';
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
