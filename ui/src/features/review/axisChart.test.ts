import { afterEach, describe, expect, it } from 'vitest';
import type uPlot from 'uplot';
import { setLanguage } from '../../lib/i18n/index.svelte';
import { reviewOf, reviewWeek } from '../../test/ipc';
import { axisOptions } from './axisChart';

describe('the trend chart', () => {
  afterEach(() => setLanguage('en'));

  it("labels each week with its count written the way the language writes numbers", () => {
    const review = reviewOf([{ ...reviewWeek('2026-W46', '2026-11-09'), n: 25349 }]);
    const options = axisOptions(() => ({ review, refs: [] }), 'functional', 'Solved', () => undefined);
    const labels = options.axes![0]!.values as (u: uPlot, splits: number[]) => string[];
    const wide = { bbox: { width: 1200 } } as uPlot;
    setLanguage('nl');
    expect(labels(wide, [0])).toEqual(['W46\nn=25.349']);
    setLanguage('en');
    expect(labels(wide, [0])).toEqual(['W46\nn=25,349']);
  });
});
