import { describe, expect, it } from 'vitest';
import { validLanguage } from './locale-guard';

describe('validLanguage', () => {
  it('keeps real language tags', () => {
    expect(validLanguage('nl-NL')).toBe('nl-NL');
    expect(validLanguage('en')).toBe('en');
  });

  it('replaces the POSIX locale names WebKitGTK reports', () => {
    expect(validLanguage('C')).toBe('en-US');
    expect(validLanguage('')).toBe('en-US');
    expect(validLanguage(undefined)).toBe('en-US');
    expect(() => new Intl.NumberFormat(validLanguage('C'))).not.toThrow();
  });
});
