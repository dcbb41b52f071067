import { describe, expect, it } from 'vitest';
import { legendRows, PNG_SCALE, wrap } from './chartPng';

describe('the exported chart’s legend', () => {
  // Ten pixels a character, as a stand-in for the canvas's measureText.
  const measure = (text: string) => text.length * 10;
  const item = (text: string) => ({ text });

  it('keeps items on one row while they fit and wraps the rest, never splitting an item', () => {
    const perItem = (n: number) => (28 + 8 + 24) * PNG_SCALE + n * 10;
    const items = [item('a'.repeat(40)), item('b'.repeat(40)), item('c'.repeat(40))];
    const two = 2 * perItem(40);
    expect(legendRows(items, two, measure).map((r) => r.map((i) => i.text[0]))).toEqual([['a', 'b'], ['c']]);
    expect(legendRows(items, two - 1, measure).map((r) => r.length)).toEqual([1, 1, 1]);
    expect(legendRows(items, 3 * perItem(40), measure).map((r) => r.length)).toEqual([3]);
  });

  it('gives an item wider than the image a row of its own', () => {
    const rows = legendRows([item('x'), item('y'.repeat(500)), item('z')], 300, measure);
    expect(rows.map((r) => r.map((i) => i.text[0]))).toEqual([['x'], ['y'], ['z']]);
  });

  it('wraps a long text at word boundaries, every line within the width', () => {
    const lines = wrap('national: about 1 in 3 contacts felt as positive, in customers’ own view', 200, measure);
    expect(lines.join(' ')).toBe('national: about 1 in 3 contacts felt as positive, in customers’ own view');
    expect(lines.length).toBeGreaterThan(2);
    expect(lines.every((l) => measure(l) <= 200)).toBe(true);
  });
});
