import { afterEach, describe, expect, it, vi } from 'vitest';
import { validLanguage } from './locale-guard';

describe('validLanguage', () => {
  afterEach(() => vi.restoreAllMocks());

  it('keeps real language tags without asking Intl, which would load ICU before the form', () => {
    const canonical = vi.spyOn(Intl, 'getCanonicalLocales');
    expect(validLanguage('nl-NL')).toBe('nl-NL');
    expect(validLanguage('en')).toBe('en');
    expect(validLanguage('iw-IL')).toBe('iw-IL');
    expect(canonical).not.toHaveBeenCalled();
    expect(() => new Intl.NumberFormat(validLanguage('iw-IL'))).not.toThrow();
  });

  it('writes other spellings of a tag the canonical way', () => {
    const canonical = vi.spyOn(Intl, 'getCanonicalLocales');
    expect(validLanguage('en-us')).toBe('en-US');
    expect(validLanguage('NL')).toBe('nl');
    expect(validLanguage('sr-Latn-RS')).toBe('sr-Latn-RS');
    expect(canonical).toHaveBeenCalledTimes(3);
  });

  it('replaces the POSIX locale names WebKitGTK reports', () => {
    expect(validLanguage('C')).toBe('en-US');
    expect(validLanguage('')).toBe('en-US');
    expect(validLanguage(undefined)).toBe('en-US');
    expect(() => new Intl.NumberFormat(validLanguage('C'))).not.toThrow();
  });
});
