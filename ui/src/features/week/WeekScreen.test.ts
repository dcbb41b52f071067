import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { AlignedData } from 'uplot';
import { app, dataChanged } from '../../lib/state.svelte';
import { setLanguage } from '../../lib/i18n/index.svelte';
import { fakeBackend, report, week } from '../../test/ipc';
import { chartData } from './weekChart';
import WeekScreen from './WeekScreen.svelte';

// jsdom has no canvas; the chart wrapper is replaced and the data it receives is checked.
const chart = vi.hoisted(() => ({ create: vi.fn(), update: vi.fn() }));
vi.mock('../../lib/chart/uplot', () => ({
  createChart: (_el: HTMLElement, _opts: unknown, data: AlignedData) => {
    chart.create(data);
    return { update: chart.update, destroy: vi.fn() };
  },
}));

const sample = report([
  week('2026-W45', '2026-11-02', { n: 0 }),
  week('2026-W46', '2026-11-09', {
    n: 3, functional_positive: 3, functional_share: 1, functional_ci_low: 0.44, functional_ci_high: 1,
    emotional_positive: 1, emotional_share: 1 / 3, emotional_ci_low: 0.06, emotional_ci_high: 0.79,
  }),
  week('2026-W47', '2026-11-16', {
    n: 10, functional_positive: 7, functional_share: 0.7, functional_ci_low: 0.397, functional_ci_high: 0.892,
    emotional_positive: 4, emotional_share: 0.4, emotional_ci_low: 0.168, emotional_ci_high: 0.687,
  }),
]);

beforeEach(() => {
  app.settings = { display_name: 'Anna', language: null };
  setLanguage('en');
  chart.create.mockClear();
  chart.update.mockClear();
});

describe('the week screen', () => {
  it('lists every week newest first with n, shares and intervals', async () => {
    fakeBackend({ weekly_stats: () => sample });
    render(WeekScreen);
    const rows = await screen.findAllByTestId('week-row');
    expect(rows.map((r) => r.dataset.week)).toEqual(['2026-W47', '2026-W46', '2026-W45']);
    const [w47, w46, w45] = rows.map((r) => within(r));
    expect(w47!.getByTestId('week-n').textContent).toBe('10');
    const text = (w: typeof w47, id: string) => w!.getByTestId(id).textContent!.replace(/\s+/g, ' ').trim();
    expect(text(w47, 'week-functional')).toBe('70% 7 of 10 95% interval 40–89%');
    expect(text(w47, 'week-emotional')).toBe('40% 4 of 10 95% interval 17–69%');
    expect(text(w46, 'week-functional')).toBe('not enough data 3 of 3');
    expect(text(w46, 'week-emotional')).toBe('not enough data 1 of 3');
    expect(w46!.getByTestId('week-n').textContent).toBe('3');
    expect(text(w45, 'week-emotional')).toBe('no contacts');
    expect(screen.getByText('13 contacts in these 12 weeks')).toBeTruthy();
  });

  it('plots only weeks with enough data, in percent, with their bands', async () => {
    fakeBackend({ weekly_stats: () => sample });
    render(WeekScreen);
    await screen.findAllByTestId('week-row');
    expect(chart.create).toHaveBeenCalledTimes(1);
    const data = chart.create.mock.calls[0]![0] as AlignedData;
    expect(data).toEqual(chartData(sample));
    expect(data[0]).toEqual([0, 1, 2]);
    expect(data[1]).toEqual([null, null, 70]);
    expect(data[2]).toEqual([null, null, 39.7]);
    expect(data[3]).toEqual([null, null, 89.2]);
    expect(data[4]).toEqual([null, null, 40]);
  });

  it('offers demo data on an empty journal and shows it once loaded', async () => {
    let n = 0;
    const backend = fakeBackend({
      weekly_stats: () => report([week('2026-W47', '2026-11-16', { n })]),
      load_demo: () => { n = 2500; return 2500; },
    });
    render(WeekScreen);
    const button = await screen.findByTestId('load-demo');
    await fireEvent.click(button);
    await vi.waitFor(() => expect(screen.getByTestId('week-n').textContent).toBe('2500'));
    expect(screen.queryByTestId('demo-offer')).toBeNull();
    expect(backend.calls.map((c) => c.cmd)).toEqual(['weekly_stats', 'load_demo', 'weekly_stats']);
  });

  it('explains a refused demo load', async () => {
    fakeBackend({
      weekly_stats: () => report([week('2026-W47', '2026-11-16')]),
      load_demo: () => { throw { code: 'conflict', message: 'not empty', field: null, kind: null }; },
    });
    render(WeekScreen);
    await fireEvent.click(await screen.findByTestId('load-demo'));
    await vi.waitFor(() =>
      expect(screen.getByTestId('demo-offer').textContent).toContain('Demo data only goes into an empty journal'),
    );
  });

  it('reloads when a contact is logged elsewhere', async () => {
    let n = 10;
    const backend = fakeBackend({
      weekly_stats: () => report([week('2026-W47', '2026-11-16', { n })]),
    });
    render(WeekScreen);
    await screen.findAllByTestId('week-row');
    n = 11;
    dataChanged();
    await vi.waitFor(() => expect(screen.getByTestId('week-n').textContent).toBe('11'));
    expect(backend.calls.filter((c) => c.cmd === 'weekly_stats')).toHaveLength(2);
    expect(backend.calls[0]!.args).toEqual({ query: { from: null, to: null, staff: null, channel: null } });
  });
});
