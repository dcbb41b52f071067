import { describe, expect, it } from 'vitest';
import { validLanguage } from './locale-guard';

describe('validLanguage', () => {
  it('keeps real language tags', () => {
    expect(validLanguage('nl-NL')).toBe('nl-NL');
    expect(validLanguage('en')).toBe('en');
  });

  it('writes other spellings of a tag the canonical way', () => {
    expect(validLanguage('en-us')).toBe('en-US');
    expect(validLanguage('NL')).toBe('nl');
    expect(validLanguage('sr-Latn-RS')).toBe('sr-Latn-RS');
  });

  it('replaces the POSIX locale names WebKitGTK reports', () => {
    expect(validLanguage('C')).toBe('en-US');
    expect(validLanguage('')).toBe('en-US');
    expect(validLanguage(undefined)).toBe('en-US');
    expect(() => new Intl.NumberFormat(validLanguage('C'))).not.toThrow();
  });
});
