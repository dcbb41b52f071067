import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AlignedData } from 'uplot';
import { app } from '../../lib/state.svelte';
import { setLanguage } from '../../lib/i18n/index.svelte';
import type { ContactsQuery, Practices, Proportion, StaffReview, WeekNote, WeeklyQuery, WhatChanged } from '../../lib/ipc';
import { axis, contact, facets, fakeBackend, page, period, reviewOf, reviewWeek, settings, teamStatus } from '../../test/ipc';
import { team } from '../../lib/team.svelte';
import { segmentAt, segments } from './distribution';
import { shownDifference, signedPoints } from './figures';
import { dateRange } from '../../lib/format';
import { forgetKept } from '../../lib/kept';
import ReviewScreen from './ReviewScreen.svelte';

// jsdom has no canvas; the chart wrapper is replaced and the data it receives is checked.
// Each call names the chart it was for (its container's test id) with the data.
// Its options are kept per chart, so that what a draw hook paints can be read.
const chart = vi.hoisted(() => ({ create: vi.fn(), update: vi.fn(), options: new Map<string, unknown>() }));
vi.mock('../../lib/chart/uplot', () => ({
  createChart: (el: HTMLElement, opts: unknown, data: AlignedData) => {
    chart.options.set(el.dataset.testid!, opts);
    chart.create(el.dataset.testid, data);
    return { update: (next: AlignedData) => chart.update(el.dataset.testid, next), destroy: vi.fn() };
  },
}));

const sample = reviewOf(
  [
    reviewWeek('2026-W45', '2026-11-02'),
    reviewWeek('2026-W46', '2026-11-09', {
      n: 3, functional_positive: 3, functional_share: 1, functional_ci_low: 0.44, functional_ci_high: 1,
      emotional_positive: 1, emotional_share: 1 / 3, emotional_ci_low: 0.06, emotional_ci_high: 0.79,
      functional_ratings: [0, 0, 0, 1, 2], emotional_ratings: [1, 1, 0, 1, 0],
    }),
    reviewWeek('2026-W47', '2026-11-16', {
      n: 10, functional_positive: 7, functional_share: 0.7, functional_ci_low: 0.397, functional_ci_high: 0.892,
      emotional_positive: 4, emotional_share: 0.4, emotional_ci_low: 0.168, emotional_ci_high: 0.687,
      functional_ratings: [1, 1, 1, 4, 3], emotional_ratings: [2, 2, 2, 2, 2],
    }),
  ],
  {
    current: period('2026-11-02', '2026-11-22', {
      n: 13,
      functional: axis({
        positive: 10, share: 10 / 13, ci_low: 0.497, ci_high: 0.918, ratings: [1, 1, 1, 5, 5],
        low: { count: 2, share: 2 / 13, ci_low: 0.043, ci_high: 0.422 },
        top: { count: 5, share: 5 / 13, ci_low: 0.177, ci_high: 0.645 },
      }),
      emotional: axis({
        positive: 5, share: 5 / 13, ci_low: 0.177, ci_high: 0.645, ratings: [3, 3, 2, 3, 2],
        low: { count: 6, share: 6 / 13, ci_low: 0.232, ci_high: 0.709 },
        top: { count: 2, share: 2 / 13, ci_low: 0.043, ci_high: 0.422 },
      }),
      quadrants: { solved_welcome: 4, solved_not_welcome: 6, welcome_not_solved: 1, neither: 2 },
    }),
    previous: period('2026-10-12', '2026-11-01', {
      n: 20,
      functional: axis({
        positive: 12, share: 0.6, ci_low: 0.387, ci_high: 0.781, ratings: [2, 2, 4, 6, 6],
        low: { count: 4, share: 0.2, ci_low: 0.081, ci_high: 0.416 },
        top: { count: 6, share: 0.3, ci_low: 0.1455, ci_high: 0.519 },
      }),
      emotional: axis({
        positive: 10, share: 0.5, ci_low: 0.299, ci_high: 0.701, ratings: [2, 4, 4, 5, 5],
        low: { count: 6, share: 0.3, ci_low: 0.1455, ci_high: 0.519 },
        top: { count: 5, share: 0.25, ci_low: 0.112, ci_high: 0.469 },
      }),
    }),
    change: {
      functional: { difference: 10 / 13 - 0.6, ci_low: 0.031, ci_high: 0.412, real: true },
      emotional: { difference: 5 / 13 - 0.5, ci_low: -0.41, ci_high: 0.19, real: false },
    },
  },
);

// Welcome on chat fell from 41% to 28%; solved for Bram rose from 50% to 80%.
const changedSample: WhatChanged = {
  compared: 24,
  moves: [
    {
      group: { kind: 'channel', name: 'chat' },
      axis: 'emotional',
      before: { count: 41, share: 0.41, ci_low: 0.32, ci_high: 0.51 },
      n_before: 100,
      now: { count: 28, share: 0.28, ci_low: 0.2, ci_high: 0.37 },
      n_now: 100,
      change: { difference: -0.13, ci_low: -0.21, ci_high: -0.05, real: true },
    },
    {
      group: { kind: 'staff', name: 'Bram' },
      axis: 'functional',
      before: { count: 10, share: 0.5, ci_low: 0.3, ci_high: 0.7 },
      n_before: 20,
      now: { count: 16, share: 0.8, ci_low: 0.58, ci_high: 0.92 },
      n_now: 20,
      change: { difference: 0.3, ci_low: 0.01, ci_high: 0.52, real: true },
    },
  ],
};

const prop = (count: number, n: number, lo: number, hi: number): Proportion => ({ count, share: n ? count / n : null, ci_low: lo, ci_high: hi });
const shareOf = (count: number, n: number, lo: number, hi: number) => ({ n, ...prop(count, n, lo, hi) });

// 40 answers: 18 promoters, 10 detractors → NPS +20 (95% −3 to +40).
const practicesSample: Practices = {
  from: '2026-11-02',
  to: '2026-11-22',
  previous_from: '2026-10-12',
  nps_min_n: 30,
  nps: { n: 40, promoters: 18, detractors: 10, score: 20, ci_low: -2.6, ci_high: 40.3 },
  previous_nps: { n: 12, promoters: 6, detractors: 3, score: 25, ci_low: -15, ci_high: 58 },
  views: { detractors: 10, detractors_welcome: prop(3, 10, 0.108, 0.603), promoters: 18, promoters_not_welcome: prop(2, 18, 0.031, 0.328) },
  levels: { n: 50, levels: [prop(5, 50, 0.04, 0.21), prop(10, 50, 0.11, 0.33), prop(20, 50, 0.28, 0.54), prop(12, 50, 0.14, 0.37), prop(3, 50, 0.02, 0.16)] },
  previous_levels: { n: 0, levels: [prop(0, 0, 0, 0), prop(0, 0, 0, 0), prop(0, 0, 0, 0), prop(0, 0, 0, 0), prop(0, 0, 0, 0)] },
  effort_mix: [0, 0, 0.3, 0.5, 0.2],
  level5_customers: shareOf(3, 30, 0.035, 0.256),
  valued: shareOf(6, 10, 0.313, 0.832),
  not_valued: shareOf(2, 10, 0.057, 0.51),
  previous_valued: shareOf(0, 0, 0, 0),
  dissatisfiers: [
    {
      topic: 'factuur', reason: 'wrong', n: 40, share: prop(8, 40, 0.105, 0.348), previous_n: 50, previous: prop(2, 50, 0.011, 0.135),
      change: { difference: 0.16, ci_low: 0.02, ci_high: 0.31, real: true },
    },
    { topic: null, reason: null, n: 20, share: prop(1, 20, 0.009, 0.236), previous_n: 30, previous: prop(1, 30, 0.006, 0.167), change: null },
  ],
  reasons: [
    { topic: null, reason: 'wrong', n: 60, share: prop(8, 60, 0.069, 0.242), previous_n: 80, previous: prop(2, 80, 0.007, 0.087), change: { difference: 0.108, ci_low: 0.01, ci_high: 0.22, real: true } },
  ],
  repeat: shareOf(4, 40, 0.04, 0.23),
  previous_repeat: shareOf(6, 40, 0.07, 0.29),
  repeat_change: { difference: -0.05, ci_low: -0.2, ci_high: 0.1, real: false },
  repeat_days: 7,
  promises: { due: 9, kept: prop(6, 9, 0.354, 0.879), late: 2, overdue: 1, pending: 4 },
};

function staffReview(name: string, n: number, emoNow: number, emoThen: number): StaffReview {
  return {
    staff: name,
    weeks: sample.weeks.map((w) => ({ n: w.n, functional_share: w.functional_share, emotional_share: w.emotional_share })),
    current: period('2026-11-02', '2026-11-22', {
      n,
      emotional: axis({ positive: Math.round(n * emoNow), share: emoNow, ci_low: 0, ci_high: 1 }),
    }),
    previous: period('2026-10-12', '2026-11-01', {
      n,
      emotional: axis({ positive: Math.round(n * emoThen), share: emoThen, ci_low: 0, ci_high: 1 }),
    }),
    // An interval of ±15 points: only a change larger than that is more than chance.
    change: {
      functional: null,
      emotional: { difference: emoNow - emoThen, ci_low: emoNow - emoThen - 0.15, ci_high: emoNow - emoThen + 0.15, real: Math.abs(emoNow - emoThen) > 0.15 },
    },
  };
}

function backend(over: Record<string, (a: Record<string, unknown>) => unknown> = {}) {
  return fakeBackend({
    review: () => sample,
    // Each sort gives another order: by contacts B A C, welcome low A B C, welcome high C B A,
    // largest drop A (−85) C (−10) B (+10), largest rise B C A; the previous period alone
    // would sort A B C.
    review_by_staff: () => [staffReview('Anna', 40, 0.1, 0.95), staffReview('Bram', 60, 0.5, 0.4), staffReview('Citlali', 10, 0.9, 1)],
    review_facets: () => facets({ staff: ['Anna', 'Bram', 'Citlali'], topics: ['factuur', 'storing'] }),
    what_changed: () => changedSample,
    practices: () => practicesSample,
    week_notes: () => [] as WeekNote[],
    moments: () => [
      { staff: 'Anna', top_both: 4, level5: 1, starred: 1, contacts: [contact({ star: true, topic: 'verhuizing', note: 'bloemen gestuurd' })] },
      { staff: 'Bram', top_both: 1, level5: 0, starred: 0, contacts: [contact({ staff: 'Bram', functional: 5, emotional: 5, level: 5 })] },
    ],
    review_contacts: (a) => {
      const q = a.query as ContactsQuery;
      return q.open_follow_ups ? page([contact({ follow_up: true, note: 'call back' })]) : page([contact({ staff: 'Bram' })], 1);
    },
    ...over,
  });
}

/** Opens every "show as table" toggle, as a keyboard or screen-reader user would. */
async function openTables(): Promise<void> {
  await screen.findAllByText('Show as table');
  for (const d of document.querySelectorAll('details.table-alt')) {
    (d as HTMLDetailsElement).open = true;
    await fireEvent(d, new Event('toggle'));
  }
}

const queries = (calls: { cmd: string; args: Record<string, unknown> }[], cmd: string) =>
  calls.filter((c) => c.cmd === cmd).map((c) => c.args.query as WeeklyQuery & ContactsQuery);

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date(2026, 10, 22, 12, 0));
  app.settings = settings();
  team.status = null;
  setLanguage('en');
  forgetKept();
  chart.create.mockClear();
  chart.update.mockClear();
});

afterEach(() => {
  vi.useRealTimers();
});

/** What a reader sees: word joiners (which keep "31–83%" on one line) are invisible. */
const seen = (el: Element | undefined) => (el?.textContent ?? '').replace(/\u2060/g, '').replace(/\s+/g, ' ');

describe('the practices on the review', () => {
  it('gives the score of the period before its own interval once it has enough answers', async () => {
    backend({
      practices: () => ({ ...practicesSample, previous_nps: { n: 45, promoters: 9, detractors: 18, score: -20, ci_low: -38.4, ci_high: -1.2 } }),
    });
    render(ReviewScreen);
    const nps = await screen.findByTestId('practice-nps');
    expect(seen(nps)).toContain('Before: −20 (95% interval −38 to −1, 45 answers)');
  });

  it('shows the customers’ own score, valued, repeat contacts and promises with their counts', async () => {
    backend();
    render(ReviewScreen);
    const nps = await screen.findByTestId('practice-nps');
    expect(seen(nps)).toContain('+20');
    expect(seen(nps)).toContain('95% interval −3 to +40 · 40 answers: 18 promoters (9–10), 10 detractors (0–6)');
    expect(seen(nps)).toContain('Before: Not enough answers (12 of at least 30)');
    const valued = screen.getByTestId('practice-valued');
    expect(seen(valued)).toContain('6 of 10 contacts asked · 60% (31–83%)');
    expect(seen(valued)).toContain('Not or hardly valued (1–2): 20% (6–51%)');
    expect(seen(valued)).toContain('more than a third do not feel valued');
    const repeat = screen.getByTestId('practice-repeat');
    expect(seen(repeat)).toContain('4 of 40 contacts with a customer reference came within 7 days');
    expect(seen(repeat)).toContain('−5 percentage points (95% −20 to +10), could be chance');
    const promises = screen.getByTestId('practice-promises');
    expect(seen(promises)).toContain('6 of 9 follow-ups due were done by their promised day · 67% (35–88%)');
    expect(seen(promises)).toContain('2 late · 1 overdue and still open · 4 not due yet');
    expect(seen(screen.getByTestId('practice-views'))).toContain('Of 10 customers who scored 0–6, 3 were rated welcome (4–5) by staff: 30% (11–60%).');
  });

  it('sets the level mix beside the advised mix of effort, and ranks why contacts failed', async () => {
    backend();
    render(ReviewScreen);
    const levels = await screen.findByTestId('level-table');
    const rows = within(levels).getAllByRole('row').slice(1).map(seen);
    expect(rows[2]).toContain('3 · As expected');
    expect(rows[2]).toContain('40% (28–54%)');
    expect(rows[2]).toContain('30%');
    expect(rows[0]).toContain('1 · Customer-unfriendly');
    // No advised share for levels 1 and 2: a dash, not an empty cell.
    expect(within(levels).getAllByRole('row')[1]!.lastElementChild!.textContent).toBe('–');
    expect(seen(screen.getByTestId('practices'))).toContain('Customers with a level-5 contact in the last 52 weeks: 10% (4–26%), 3 of 30.');
    const byTopic = screen.getByTestId('dissatisfiers-topic');
    const first = within(byTopic).getAllByTestId('topic-reason-row')[0]!;
    expect(seen(first)).toContain('factuur · Bill or order wrong');
    expect(seen(first)).toContain('8 of 40 · 20% (11–35%)');
    expect(seen(first)).toContain('+16 percentage points (95% +2 to +31), beyond chance');
    const second = within(byTopic).getAllByTestId('topic-reason-row')[1]!;
    expect(seen(second)).toContain('No topic · No reason given');
    expect(seen(second)).toContain('too few to compare');
  });

  it('says so when the practices cannot be read, and the rest of the review stands', async () => {
    backend({ practices: () => Promise.reject({ code: 'storage', message: 'disk', field: null, kind: null }) });
    render(ReviewScreen);
    expect(await screen.findByTestId('practices-failed')).toBeTruthy();
    expect(screen.getByTestId('what-changed')).toBeTruthy();
  });

  it('speaks Dutch there too', async () => {
    setLanguage('nl');
    backend();
    render(ReviewScreen);
    const promises = await screen.findByTestId('practice-promises');
    expect(seen(promises)).toContain('6 van 9 opvolgingen waren af op de beloofde dag');
    expect(screen.getAllByText('Mix van serviceniveaus').length).toBeGreaterThan(0);
  });

  it('lists each person’s moments to share by name, the marked ones with their note', async () => {
    backend();
    render(ReviewScreen);
    const people = await screen.findAllByTestId('moments-person');
    expect(people.map(seen)[0]).toContain('Anna 4 rated 5 on both · 1 at level 5 · 1 for the team meeting');
    expect(seen(people[0])).toContain('verhuizing ★ “bloemen gestuurd”');
    // A count of none is left out; each contact says why it is a moment.
    expect(seen(people[1])).toMatch(/^Bram 1 rated 5 on both \d+ \w+ · Phone · 5 on both · level 5 ?$/);
  });

  it('marks any contact behind a figure for the team meeting', async () => {
    const calls = backend({ set_star: (a) => contact({ id: a.id as string, staff: 'Bram', star: true }) });
    const user = userEvent.setup();
    render(ReviewScreen);
    await openTables();
    await user.click((await screen.findAllByTestId('week-contacts'))[0]!);
    const star = await screen.findByTestId('drill-star');
    expect(star.getAttribute('aria-pressed')).toBe('false');
    await user.click(star);
    await waitFor(() => expect(screen.getByTestId('drill-star').getAttribute('aria-pressed')).toBe('true'));
    expect(calls.calls.find((c) => c.cmd === 'set_star')!.args).toMatchObject({ star: true });
    expect(screen.getByTestId('contact-star')).toBeTruthy();
  });

  it('pins a note to a week and lists it numbered as on the charts', async () => {
    let stored: WeekNote[] = [];
    const calls = backend({
      week_notes: () => stored,
      set_week_note: (a) => {
        stored = [{ week: a.week as string, note: a.note as string }];
        return stored[0];
      },
    });
    const user = userEvent.setup();
    render(ReviewScreen);
    await screen.findByTestId('week-notes');
    expect(screen.getByText(/No notes in these weeks/)).toBeTruthy();
    await user.selectOptions(screen.getByTestId('week-note-week'), '2026-W46');
    await user.type(screen.getByTestId('week-note-text'), 'nieuwe terugbelprocedure');
    await user.click(screen.getByTestId('week-note-save'));
    await waitFor(() => expect(screen.getAllByTestId('week-note')).toHaveLength(1));
    expect(calls.calls.find((c) => c.cmd === 'set_week_note')!.args).toEqual({ week: '2026-W46', note: 'nieuwe terugbelprocedure' });
    expect(seen(screen.getByTestId('week-note'))).toContain('2026-W46: nieuwe terugbelprocedure');
    // The note is marked on both charts at its week (index 1 of the three weeks): the notes'
    // draw hook, run on a stand-in canvas, writes the note's number above that week.
    const marks = (testid: string) => {
      const hooks = (chart.options.get(testid) as { hooks: { draw: ((u: unknown) => void)[] } }).hooks;
      const written: [string, number][] = [];
      const ctx = new Proxy({} as Record<string, unknown>, {
        get: (_t, key) => (key === 'fillText' ? (text: string, x: number) => written.push([text, x]) : () => undefined),
        set: () => true,
      });
      hooks.draw.at(-1)!({ ctx, bbox: { top: 0, height: 100 }, valToPos: (v: number) => v * 100 });
      return written;
    };
    await waitFor(() => expect(marks('chart-functional')).toEqual([['1', 100]]));
    expect(marks('chart-emotional')).toEqual([['1', 100]]);
  });
});

describe('the review screen', () => {
  it('lists every week newest first with n, shares and intervals as the charts’ table', async () => {
    backend();
    render(ReviewScreen);
    await openTables();
    const rows = await screen.findAllByTestId('week-row');
    expect(rows.map((r) => r.dataset.week)).toEqual(['2026-W47', '2026-W46', '2026-W45']);
    const [w47, w46, w45] = rows.map((r) => within(r));
    const text = (w: typeof w47, id: string) => w!.getByTestId(id).textContent!.replace(/\s+/g, ' ').trim();
    expect(w47!.getByTestId('week-n').textContent).toBe('10');
    expect(text(w47, 'week-functional')).toBe('70% 7 of 10 95% interval 40–89%');
    expect(text(w47, 'week-emotional')).toBe('40% 4 of 10 95% interval 17–69%');
    expect(text(w46, 'week-functional')).toBe('not enough data 3 of 3');
    expect(text(w45, 'week-emotional')).toBe('no contacts');
    expect(w45!.queryByTestId('week-contacts')).toBeNull();
    // Each row's button says which week it opens, for a screen reader.
    expect(w47!.getByTestId('week-contacts').getAttribute('aria-label')).toBe('Contacts of 2026-W47');
    expect(screen.getByTestId('review-summary').textContent).toContain('13 contacts in 2026-W45 – 2026-W47');
  });

  it('plots only weeks with enough data, in percent, with their bands, one chart per axis', async () => {
    backend();
    render(ReviewScreen);
    await openTables();
    await screen.findAllByTestId('week-row');
    await waitFor(() => expect(chart.create).toHaveBeenCalledTimes(2));
    // What the two charts were handed: week index, share, band low, band high (percent);
    // W45 (no contacts) and W46 (n = 3, below the minimum) are gaps.
    const received = Object.fromEntries(chart.create.mock.calls.map((c) => [c[0] as string, c[1] as AlignedData]));
    expect(received).toEqual({
      'chart-functional': [[0, 1, 2], [null, null, 70], [null, null, 39.7], [null, null, 89.2]],
      'chart-emotional': [[0, 1, 2], [null, null, 40], [null, null, 16.8], [null, null, 68.7]],
    });
  });

  it('hands a filter change to the charts it already has instead of building new ones', async () => {
    const chat = reviewOf([reviewWeek('2026-W47', '2026-11-16', { n: 5, functional_positive: 5, functional_share: 1, emotional_share: 0.2 })]);
    backend({ review: (a) => ((a.query as WeeklyQuery).channel === 'chat' ? chat : sample) });
    render(ReviewScreen);
    await waitFor(() => expect(chart.create).toHaveBeenCalledTimes(2));
    await fireEvent.change(await screen.findByTestId('filter-channel'), { target: { value: 'chat' } });
    await waitFor(() => expect(chart.update).toHaveBeenCalledWith('chart-emotional', [[0], [20], [null], [null]]));
    expect(chart.update).toHaveBeenCalledWith('chart-functional', [[0], [100], [null], [null]]);
    expect(chart.create).toHaveBeenCalledTimes(2);
  });

  it('compares each axis with the previous period, intervals included', async () => {
    backend();
    render(ReviewScreen);
    const f = await screen.findByTestId('compare-functional');
    expect(within(f).getByTestId('compare-functional-now').textContent).toBe('77%');
    expect(within(f).getByTestId('compare-functional-then').textContent).toBe('60%');
    expect(f.textContent).toContain('10 of 13');
    expect(f.textContent).toContain('95% interval 50\u2060–\u206092%');
    expect(f.textContent).toContain('95% interval 39\u2060–\u206078%');
    const said = (id: string) => screen.getByTestId(id).textContent!.replace(/\s+/g, ' ').trim();
    expect(said('compare-functional-change')).toBe('Change in the share rated 4–5 +17 percentage points 95% interval +3 to +41 · more than chance');
    expect(said('compare-emotional-change')).toBe('Change in the share rated 4–5 −12 percentage points 95% interval −41 to +19 · could be chance');
    // Rated 1–2 on welcome, against the survey's "more than a quarter not or hardly welcome".
    const low = screen.getByTestId('compare-not-welcome');
    expect(within(low).getByTestId('not-welcome-now').textContent!.trim()).toBe('46%');
    expect(within(low).getByTestId('not-welcome-then').textContent!.trim()).toBe('30%');
    expect(low.textContent).toContain('6 of 13');
    expect(low.textContent).toContain('95% interval 23\u2060–\u206071%');
    expect(low.textContent).toContain('more than a quarter of customers feel not or hardly welcome, in customers’ own view');
    // Only a change whose interval excludes 0 is coloured as a rise or a drop.
    expect(within(f).getByTestId('compare-functional-change').querySelector('.up')).toBeTruthy();
    expect(screen.getByTestId('compare-emotional-change').querySelector('.down')).toBeNull();
    // Both ends of each scale, now and before, with counts and intervals.
    const row = (id: string) => [...screen.getByTestId(id).querySelectorAll('th, td')].map((c) => c.textContent!.replace(/\s+/g, ' ').trim());
    expect(row('compare-functional-low')).toEqual(['Rated 1–2', '15% 2 of 13 · 95% interval 4\u2060–\u206042%', '20% 4 of 20 · 95% interval 8\u2060–\u206042%']);
    expect(row('compare-functional-top')).toEqual(['Rated 5 (top box)', '38% 5 of 13 · 95% interval 18\u2060–\u206065%', '30% 6 of 20 · 95% interval 15\u2060–\u206052%']);
    expect(row('compare-emotional-low')).toEqual(['Rated 1–2', '46% 6 of 13 · 95% interval 23\u2060–\u206071%', '30% 6 of 20 · 95% interval 15\u2060–\u206052%']);
    expect(row('compare-emotional-top')).toEqual(['Rated 5 (top box)', '15% 2 of 13 · 95% interval 4\u2060–\u206042%', '25% 5 of 20 · 95% interval 11\u2060–\u206047%']);
  });

  it('names what changed beyond chance in one sentence each, with how many shares were compared', async () => {
    const b = backend();
    render(ReviewScreen);
    const moves = await screen.findAllByTestId('changed-move');
    const said = (el: HTMLElement) => el.textContent!.replace(/\s+/g, ' ').trim();
    // The moves are for the filters on screen: the card is not marked as outdated.
    const card = screen.getByTestId('what-changed');
    expect([card.classList.contains('stale'), card.getAttribute('aria-busy')]).toEqual([false, 'false']);
    expect(moves.map(said)).toEqual([
      '▼ Welcome in chat fell from 41% to 28%: −13 percentage points (95% interval −21 to −5). 28 of 100 now, 41 of 100 before',
      '▲ Solved for Bram rose from 50% to 80%: +30 percentage points (95% interval +1 to +52). 16 of 20 now, 10 of 20 before',
    ]);
    expect(said(screen.getByTestId('changed-note'))).toMatch(
      /^24 shares compared .* About 1 in 20 comparisons, so about 1\.2 here, moves that far by chance alone\.$/,
    );
    expect(queries(b.calls, 'what_changed').at(-1)).toEqual(queries(b.calls, 'review').at(-1));

    setLanguage('nl');
    await waitFor(() =>
      expect(said(screen.getAllByTestId('changed-move')[0]!)).toBe(
        '▼ ‘Welkom’ via chat daalde van 41% naar 28%: −13 procentpunt (95%\u2011interval −21 tot −5). nu 28 van 100, vorige periode 41 van 100',
      ),
    );
  });

  it('writes an interval bound within a point of 0 with its decimal, and a difference as the shares shown', () => {
    // 70% against 61% reads +9, whatever the exact difference.
    expect(shownDifference(0.704, 0.606, 0.098)).toBe('+9');
    expect(shownDifference(null, 0.5, -0.126)).toBe('−13');
    expect([0.004, -0.004, 0, 0.126, -0.13, -0.0004, 0.00004].map((v) => signedPoints(v))).toEqual([
      '+0.4', '−0.4', '±0', '+13', '−13', '−0.04', '+0.004',
    ]);
    expect(signedPoints(0.003, 'nl')).toBe('+0,3');
  });

  it('says when nothing moved beyond chance, when there is too little to compare, and when there is nothing before', async () => {
    backend({ what_changed: () => ({ compared: 12, moves: [] }) });
    const { unmount } = render(ReviewScreen);
    expect((await screen.findByTestId('changed-none')).textContent).toBe(
      'No change beyond chance: 12 shares compared, none moved far enough to rule chance out.',
    );
    unmount();
    backend({ what_changed: () => ({ compared: 0, moves: [] }) });
    const second = render(ReviewScreen);
    expect((await screen.findByTestId('changed-none')).textContent).toBe('Too few contacts in one of the two periods to compare.');
    second.unmount();
    // With nothing at all before the period, that is what it says.
    backend({ what_changed: () => ({ compared: 0, moves: [] }), review: () => ({ ...sample, previous: { ...sample.previous, n: 0 } }) });
    const third = render(ReviewScreen);
    expect((await screen.findByTestId('changed-none')).textContent).toBe(
      'Nothing to compare with: the period before this one has no contacts.',
    );
    third.unmount();
    // A failed comparison says so and leaves the rest of the review standing.
    backend({ what_changed: () => { throw { code: 'internal', message: 'boom', field: null, kind: null }; } });
    render(ReviewScreen);
    expect((await screen.findByTestId('changed-none')).textContent).toBe(
      'The comparison with the previous period could not be made; the figures below stand.',
    );
    expect(await screen.findAllByTestId('staff-card')).toHaveLength(3);
  });

  it('labels the national figures and the team’s own targets with their source', async () => {
    app.settings = settings({ target_functional: 80, target_emotional: 45 });
    backend();
    render(ReviewScreen);
    const refs = await screen.findByTestId('references');
    const items = within(refs).getAllByRole('listitem').map((li) => li.textContent!.trim());
    expect(items).toEqual([
      'Solved · team target 80%',
      'Welcome · team target 45%',
      'Welcome · national: about 1 in 3 contacts felt as positive, in customers’ own view (Nationaal Klantbelevingsonderzoek); the ratings here are the staff member’s impression',
    ]);
  });

  it('sends every filter to every query: range, several staff, channel, topic', async () => {
    const b = backend();
    render(ReviewScreen);
    await openTables();
    await screen.findAllByTestId('week-row');
    const first = queries(b.calls, 'review')[0]!;
    expect(first).toEqual({ from: '2026-08-31', to: '2026-11-22', staff: [], channel: null, topic: null });

    await fireEvent.change(screen.getByTestId('filter-range'), { target: { value: 'year' } });
    await fireEvent.change(screen.getByTestId('filter-channel'), { target: { value: 'chat' } });
    await fireEvent.change(screen.getByTestId('filter-topic'), { target: { value: 'storing' } });
    const options = screen.getAllByTestId('filter-staff-option');
    await fireEvent.click(options.find((o) => o.dataset.name === 'Anna')!);
    await fireEvent.click(options.find((o) => o.dataset.name === 'Citlali')!);
    const want = { from: '2025-11-24', to: '2026-11-22', staff: ['Anna', 'Citlali'], channel: 'chat', topic: 'storing' };
    await waitFor(() => expect(queries(b.calls, 'review').at(-1)).toEqual(want));
    await waitFor(() => expect(queries(b.calls, 'review_by_staff').at(-1)).toEqual(want));
    await waitFor(() => expect(queries(b.calls, 'review_contacts').at(-1)?.filter).toEqual(want));
    expect(screen.getByTestId('filter-staff-summary').textContent).toBe('2 staff members');

    await fireEvent.change(screen.getByTestId('filter-range'), { target: { value: 'all' } });
    await waitFor(() => expect(queries(b.calls, 'review').at(-1)?.from).toBe('2026-01-05'));
    await fireEvent.change(screen.getByTestId('filter-range'), { target: { value: 'custom' } });
    await fireEvent.change(screen.getByTestId('filter-from'), { target: { value: '2026-03-02' } });
    await fireEvent.change(screen.getByTestId('filter-to'), { target: { value: '2026-03-29' } });
    await waitFor(() => expect(queries(b.calls, 'review').at(-1)).toMatchObject({ from: '2026-03-02', to: '2026-03-29' }));
    await fireEvent.click(screen.getByTestId('filter-staff-clear'));
    await waitFor(() => expect(queries(b.calls, 'review').at(-1)?.staff).toEqual([]));
  });

  it('lets a lead in a team choose between the team and their own contacts; others get no choice', async () => {
    // The name this desk logs under counts, not the name the server knows.
    app.settings = settings({ display_name: 'Lea' });
    team.status = teamStatus({ role: 'lead', member_name: 'Lea de Vries' });
    const b = backend();
    render(ReviewScreen);
    await openTables();
    await screen.findAllByTestId('week-row');
    const scope = screen.getByTestId('filter-scope') as HTMLSelectElement;
    expect([...scope.options].map((o) => o.textContent)).toEqual(['My team', 'Just me (Lea)']);
    expect(scope.value).toBe('team');
    const options = screen.getAllByTestId('filter-staff-option');
    await fireEvent.click(options.find((o) => o.dataset.name === 'Anna')!);
    await waitFor(() => expect(queries(b.calls, 'review').at(-1)?.staff).toEqual(['Anna']));

    await fireEvent.change(scope, { target: { value: 'me' } });
    await waitFor(() => expect(queries(b.calls, 'review').at(-1)?.staff).toEqual(['Lea']));
    await waitFor(() => expect(queries(b.calls, 'review_by_staff').at(-1)?.staff).toEqual(['Lea']));
    await waitFor(() => expect(queries(b.calls, 'review_contacts').at(-1)?.filter.staff).toEqual(['Lea']));
    expect(screen.getByTestId('review-summary').textContent).toContain('· Lea ·');
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('My review');
    expect(screen.queryByTestId('filter-staff')).toBeNull();
    // Back to the team: the staff chosen before come back with it.
    await fireEvent.change(scope, { target: { value: 'team' } });
    await waitFor(() => expect(queries(b.calls, 'review').at(-1)?.staff).toEqual(['Anna']));
    await waitFor(() => expect(queries(b.calls, 'review_contacts').at(-1)?.filter.staff).toEqual(['Anna']));
    expect(screen.getByTestId('review-summary').textContent).toContain('· Anna ·');
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Team review');
    expect(screen.getByTestId('filter-staff')).toBeTruthy();
  });

  it('says 1 contact, not 1 contacts', async () => {
    backend({ review: () => reviewOf(sample.weeks, { current: period('2026-11-02', '2026-11-22', { n: 1 }) }) });
    render(ReviewScreen);
    expect((await screen.findByTestId('review-summary')).textContent).toMatch(/^\s*1 contact in /);
  });

  it('offers no scope to a staff member in a team, nor on a desk of its own', async () => {
    team.status = teamStatus({ role: 'staff' });
    backend();
    const { unmount } = render(ReviewScreen);
    await openTables();
    await screen.findAllByTestId('week-row');
    expect(screen.queryByTestId('filter-scope')).toBeNull();
    unmount();
    team.status = null;
    render(ReviewScreen);
    await openTables();
    await screen.findAllByTestId('week-row');
    expect(screen.queryByTestId('filter-scope')).toBeNull();
  });

  it('writes periods with their years and marks the week still in progress', async () => {
    backend();
    render(ReviewScreen);
    await openTables();
    const rows = await screen.findAllByTestId('week-row');
    expect(screen.getByTestId('review-summary').textContent).toContain('2026-W45 – 2026-W47 (2 – 22 Nov 2026)');
    expect(screen.getByTestId('comparison').textContent).toContain('12 Oct – 1 Nov 2026');
    expect(rows[0]!.querySelector('th')!.textContent).toBe('2026-W47 (so far)');
    expect(rows[1]!.querySelector('th')!.textContent).toBe('2026-W46');
    expect(screen.getByText(/A starred week \(\*\) is not over yet/)).toBeTruthy();
    expect(dateRange('2025-12-08', '2026-12-06', 'en')).toBe('8 Dec 2025 – 6 Dec 2026');
    expect(dateRange('2025-12-08', '2026-12-06', 'nl')).toBe('8 dec 2025 – 6 dec 2026');
  });

  it('shows no previous period for everything, and refuses From after To at the field', async () => {
    const b = backend();
    render(ReviewScreen);
    await screen.findByTestId('comparison');
    await fireEvent.change(screen.getByTestId('filter-range'), { target: { value: 'all' } });
    await waitFor(() => expect(queries(b.calls, 'review').at(-1)?.from).toBe('2026-01-05'));
    expect(screen.queryByTestId('comparison')).toBeNull();

    await fireEvent.change(screen.getByTestId('filter-range'), { target: { value: 'custom' } });
    await fireEvent.change(screen.getByTestId('filter-from'), { target: { value: '2026-03-02' } });
    await fireEvent.change(screen.getByTestId('filter-to'), { target: { value: '2026-03-29' } });
    await waitFor(() => expect(queries(b.calls, 'review').at(-1)).toMatchObject({ from: '2026-03-02', to: '2026-03-29' }));
    const asked = b.calls.length;
    await fireEvent.change(screen.getByTestId('filter-from'), { target: { value: '2026-04-13' } });
    expect(screen.getByTestId('filter-range-error').textContent!.trim()).toBe('“From” must be on or before “To”.');
    expect(screen.getByTestId('filter-from').getAttribute('aria-invalid')).toBe('true');
    expect(b.calls.length).toBe(asked);
    expect(screen.getByTestId('review-summary')).toBeTruthy();
    await fireEvent.change(screen.getByTestId('filter-to'), { target: { value: '2026-04-26' } });
    expect(screen.queryByTestId('filter-range-error')).toBeNull();
    await waitFor(() => expect(queries(b.calls, 'review').at(-1)).toMatchObject({ from: '2026-04-13', to: '2026-04-26' }));
  });

  it('closes the staff list as a menu: Esc, a click elsewhere', async () => {
    backend();
    render(ReviewScreen);
    const picker = (await screen.findByTestId('filter-staff')) as HTMLDetailsElement;
    await fireEvent.click(screen.getByTestId('filter-staff-summary'));
    picker.open = true;
    await fireEvent(picker, new Event('toggle'));
    await fireEvent.keyDown(screen.getAllByTestId('filter-staff-option')[0]!, { key: 'Escape' });
    expect(picker.open).toBe(false);
    expect(document.activeElement).toBe(screen.getByTestId('filter-staff-summary'));
    picker.open = true;
    await fireEvent(picker, new Event('toggle'));
    await fireEvent.click(screen.getByTestId('review-summary'));
    expect(picker.open).toBe(false);
  });

  it('says at once, while a date is typed, that From lies after To', async () => {
    const b = backend();
    render(ReviewScreen);
    await fireEvent.change(await screen.findByTestId('filter-range'), { target: { value: 'custom' } });
    await fireEvent.change(screen.getByTestId('filter-to'), { target: { value: '2026-10-01' } });
    const asked = b.calls.length;
    await fireEvent.input(screen.getByTestId('filter-from'), { target: { value: '2026-11-20' } });
    expect(screen.getByTestId('filter-range-error').textContent!.trim()).toBe('“From” must be on or before “To”.');
    expect(b.calls.length).toBe(asked);
  });

  it('labels the distribution’s scale and each staff card’s figures', async () => {
    backend();
    render(ReviewScreen);
    const dist = await screen.findByTestId('distribution');
    expect(dist.textContent).toContain('the tallest bar is 10 contacts');
    const scale = dist.querySelector('.bars-scale')!;
    expect([...scale.children].map((c) => c.textContent)).toEqual(['2026-W45', '2026-W46', '2026-W47']);
    const cards = await screen.findAllByTestId('staff-card');
    const anna = cards.find((c) => c.dataset.staff === 'Anna')!;
    expect(anna.textContent!.replace(/\s+/g, ' ')).toContain('Welcome 10% (−85 pts vs before)');
    expect(screen.getByText('3 staff members with contacts')).toBeTruthy();
  });

  it('drills into a week with the filters applied, pages, and closes with Esc', async () => {
    const c1 = contact({ staff: 'Bram', note: '<img src=x onerror=alert(1)>' });
    const c2 = contact({ staff: 'Anna' });
    const b = backend({
      review_contacts: (a) => {
        const q = a.query as ContactsQuery;
        if (q.open_follow_ups) return page([]);
        return q.offset === 0 ? page([c1], 2) : page([c2], 2);
      },
    });
    const user = userEvent.setup({ advanceTimers: () => {} });
    render(ReviewScreen);
    await openTables();
    await screen.findAllByTestId('week-row');
    await fireEvent.change(screen.getByTestId('filter-channel'), { target: { value: 'email' } });
    const w47 = (await screen.findAllByTestId('week-row'))[0]!;
    const button = within(w47).getByTestId('week-contacts');
    button.focus();
    await user.click(button);

    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByRole('heading').textContent).toBe('Contacts of 2026-W47');
    await within(dialog).findByText('1 of 2 contacts, newest first.');
    const drill = queries(b.calls, 'review_contacts').filter((q) => !q.open_follow_ups);
    expect(drill.at(-1)).toMatchObject({ week: '2026-W47', quadrant: null, offset: 0, filter: { channel: 'email' } });
    expect(within(dialog).getByText('<img src=x onerror=alert(1)>')).toBeTruthy();
    expect(dialog.querySelector('img')).toBeNull();

    await user.click(within(dialog).getByTestId('drill-more'));
    await within(dialog).findByText('2 of 2 contacts, newest first.');
    expect(within(dialog).getAllByTestId('contact-row').map((r) => r.children[1]!.textContent)).toEqual(['Bram', 'Anna']);
    expect(within(dialog).queryByTestId('drill-more')).toBeNull();

    await fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(button);
  });

  it('returns the keyboard to the heading when a drill-down opened by mouse closes', async () => {
    backend();
    render(ReviewScreen);
    await openTables();
    const button = (await screen.findAllByTestId('week-contacts'))[0]!;
    (document.activeElement as HTMLElement | null)?.blur();
    expect(document.activeElement).toBe(document.body);
    await fireEvent.click(button);
    const dialog = await screen.findByTestId('drill');
    await fireEvent.keyDown(dialog, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByTestId('drill')).toBeNull());
    expect(document.activeElement).toBe(screen.getByRole('heading', { level: 1 }));
  });

  it('drills into a quadrant and into one rating of one week', async () => {
    const b = backend();
    render(ReviewScreen);
    await openTables();
    const cold = await screen.findByTestId('quadrant-solved_not_welcome');
    expect(cold.textContent).toContain('Cold competence');
    expect(cold.textContent).toContain('46%');
    expect(cold.textContent).toContain('6 of 13');
    expect(screen.getByTestId('quadrant-welcome_not_solved').textContent).toContain('Warm failure');
    await fireEvent.click(cold);
    expect((await screen.findByRole('dialog')).textContent).toContain('Contacts: Cold competence');
    await waitFor(() =>
      expect(queries(b.calls, 'review_contacts').at(-1)).toMatchObject({ quadrant: 'solved_not_welcome', week: null }),
    );
    await fireEvent.click(screen.getByTestId('drill-close'));

    const table = screen.getByTestId('dist-table-emotional');
    const w47 = within(table).getAllByRole('row')[1]!;
    expect(w47.textContent).toContain('2026-W47');
    // The welcome table's first count of W47 is its two 1s.
    const welcomeOnes = within(w47).getAllByRole('button')[0]!;
    expect(welcomeOnes.textContent).toBe('2');
    await fireEvent.click(welcomeOnes);
    expect((await screen.findByRole('dialog')).textContent).toContain('Contacts of 2026-W47 rated 1 on “Welcome”');
    await waitFor(() =>
      expect(queries(b.calls, 'review_contacts').at(-1)).toMatchObject({ week: '2026-W47', axis: 'emotional', rating: 1 }),
    );
  });

  it('stacks each week’s ratings from 1 at the bottom, scaled to the busiest week, and finds the one clicked', () => {
    // 99 px for three weeks, 90 px high; W47 (n = 10) fills the height, W46 (n = 3) 27 px.
    const all = segments(sample.weeks, 'emotional', 99, 90);
    expect(all.map((s) => [s.week, s.rating, s.count])).toEqual([
      ['2026-W46', 1, 1], ['2026-W46', 2, 1], ['2026-W46', 4, 1],
      ...sample.weeks[2]!.emotional_ratings.map((k, r) => ['2026-W47', r + 1, k]).filter(([, , k]) => k !== 0),
    ]);
    const w46 = all.filter((s) => s.week === '2026-W46');
    expect(w46.map((s) => Math.round(s.y + s.h))).toEqual([90, 81, 72]);
    expect(w46.reduce((h, s) => h + s.h, 0)).toBeCloseTo(27);
    expect(w46[0]).toMatchObject({ x: 34, w: 31 });
    const w47 = all.filter((s) => s.week === '2026-W47');
    expect(w47[0]!.y + w47[0]!.h).toBe(90);
    expect(w47.at(-1)!.y).toBeCloseTo(0);
    expect(segmentAt(all, 40, 85)).toMatchObject({ week: '2026-W46', rating: 1 });
    expect(segmentAt(all, 40, 70)).toMatchObject({ week: '2026-W46', rating: 4 });
    expect(segmentAt(all, 40, 60)).toBeUndefined();
    expect(segmentAt(all, 10, 85)).toBeUndefined();
  });

  it('sorts the small multiples and filters to one person from them', async () => {
    const b = backend();
    render(ReviewScreen);
    const names = async () => (await screen.findAllByTestId('staff-card')).map((c) => c.dataset.staff);
    expect(await names()).toEqual(['Anna', 'Bram', 'Citlali']);
    await openTables();
    await fireEvent.change(screen.getByTestId('staff-sort'), { target: { value: 'n' } });
    expect(await names()).toEqual(['Bram', 'Anna', 'Citlali']);
    await fireEvent.change(screen.getByTestId('staff-sort'), { target: { value: 'emotional_low' } });
    expect(await names()).toEqual(['Anna', 'Bram', 'Citlali']);
    await fireEvent.change(screen.getByTestId('staff-sort'), { target: { value: 'emotional_high' } });
    expect(await names()).toEqual(['Citlali', 'Bram', 'Anna']);
    await fireEvent.change(screen.getByTestId('staff-sort'), { target: { value: 'change_down' } });
    expect(await names()).toEqual(['Anna', 'Citlali', 'Bram']);
    const rows = within(screen.getByTestId('staff-table')).getAllByTestId('staff-row');
    expect(rows.map((r) => r.textContent!.match(/[−+]\d+/)?.[0])).toEqual(['−85', '−10', '+10']);
    // Only Anna's drop is more than chance: hers alone is in bold, with every interval shown.
    expect(rows.map((r) => r.querySelector('td.real') !== null)).toEqual([true, false, false]);
    expect(rows[0]!.textContent).toContain('(−100 … −70)');
    await fireEvent.change(screen.getByTestId('staff-sort'), { target: { value: 'change_up' } });
    expect(await names()).toEqual(['Bram', 'Citlali', 'Anna']);
    await fireEvent.click(within(screen.getAllByTestId('staff-card')[2]!).getByRole('button'));
    await waitFor(() => expect(queries(b.calls, 'review').at(-1)?.staff).toEqual(['Anna']));
  });

  it('lists open follow-ups and records one as done, with undo', async () => {
    const open = contact({ follow_up: true, note: 'call back' });
    let done = false;
    const b = backend({
      review_contacts: (a) => ((a.query as ContactsQuery).open_follow_ups ? page(done ? [] : [open]) : page([])),
      set_follow_up_done: (a) => {
        done = a.done as boolean;
        return { ...open, follow_up_done_at: done ? '2026-11-22T11:00:00Z' : null };
      },
    });
    render(ReviewScreen);
    const list = await screen.findByTestId('follow-ups');
    await within(list).findByText('call back');
    expect(within(list).getByTestId('follow-total').textContent).toContain('1 open');
    await fireEvent.click(within(list).getByTestId('follow-done'));
    await waitFor(() => expect(within(list).queryByText('call back')).toBeNull());
    expect(b.calls.find((c) => c.cmd === 'set_follow_up_done')?.args).toEqual({ id: open.id, done: true });
    expect(within(list).getByRole('status').textContent).toContain('Marked done');
    await fireEvent.click(within(list).getByTestId('follow-undo'));
    await within(list).findByText('call back');
    expect(b.calls.filter((c) => c.cmd === 'set_follow_up_done').at(-1)?.args).toEqual({ id: open.id, done: false });
  });

  it('offers demo data on an empty journal, and asks once more before loading it', async () => {
    const b = backend({ review_facets: () => facets({ staff: [], topics: [], first_day: null }), load_demo: () => 2500 });
    render(ReviewScreen);
    await fireEvent.click(await screen.findByText('Load demo data'));
    expect(screen.getByTestId('demo-confirm').textContent).toContain('2,500 made-up contacts');
    expect(b.calls.some((c) => c.cmd === 'load_demo')).toBe(false);
    expect(document.activeElement).toBe(screen.getByTestId('load-demo-yes'));
    await fireEvent.click(screen.getByTestId('load-demo-yes'));
    await waitFor(() => expect(b.calls.some((c) => c.cmd === 'load_demo')).toBe(true));
  });
});
