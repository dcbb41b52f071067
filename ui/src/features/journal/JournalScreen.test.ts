import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { app } from '../../lib/state.svelte';
import { setLanguage } from '../../lib/i18n/index.svelte';
import { contact, fakeBackend, period, reviewOf, reviewWeek, settings } from '../../test/ipc';
import JournalScreen from './JournalScreen.svelte';

// The dates in the fixtures are of this year: a fixed "now" keeps the years off the labels,
// whenever the tests run.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date(2026, 10, 22, 12, 0));
  app.settings = settings();
  setLanguage('en');
});

afterEach(() => {
  vi.useRealTimers();
});

describe('the journal', () => {
  it('shows recent contacts as text, never as HTML', async () => {
    const hostile = '<img src=x onerror="window.hacked=1">';
    fakeBackend({
      recent_contacts: () => [
        contact({ functional: 2, emotional: 4, note: hostile, topic: 'factuur', follow_up: true }),
        contact({ occurred_at: '2026-11-17T09:05:00+01:00' }),
      ],
    });
    render(JournalScreen);
    const rows = await screen.findAllByTestId('journal-row');
    expect(rows).toHaveLength(2);
    const first = within(rows[0]!);
    expect(first.getByTestId('row-functional').textContent).toBe('2');
    expect(first.getByTestId('row-emotional').textContent).toBe('4');
    expect(rows[0]!.textContent).toContain(hostile);
    expect(rows[0]!.querySelector('img')).toBeNull();
    expect(rows[0]!.textContent).toContain('Wed 18 Nov 15:30');
    expect(rows[1]!.textContent).toContain('Tue 17 Nov 09:05');
  });

  it('edits a contact in place and keeps its time', async () => {
    const c = contact({ functional: 2, emotional: 2, occurred_at: '2026-11-18T15:30:27+01:00' });
    const backend = fakeBackend({
      recent_contacts: () => [c],
      update_contact: (args) => ({ ...c, ...(args.input as object) }),
    });
    const user = userEvent.setup();
    render(JournalScreen);
    await user.click(await screen.findByText('Edit'));
    const card = screen.getByTestId('edit-card');
    await user.click(within(card).getByTestId('rating-functional-5'));
    await user.click(within(card).getByTestId('save'));
    await waitFor(() => expect(screen.getByTestId('journal-status').textContent).toContain('Changes saved.'));
    const update = backend.calls.find((x) => x.cmd === 'update_contact')!;
    expect(update.args.id).toBe(c.id);
    expect(update.args.input).toMatchObject({ functional: 5, emotional: 2, occurred_at: '2026-11-18T15:30:27+01:00' });
    expect(screen.queryByTestId('edit-card')).toBeNull();
  });

  it('never moves a contact to now when its time field is emptied', async () => {
    const c = contact({ occurred_at: '2026-11-18T15:30:27+01:00' });
    const backend = fakeBackend({
      recent_contacts: () => [c],
      update_contact: (args) => ({ ...c, ...(args.input as object) }),
    });
    const user = userEvent.setup();
    render(JournalScreen);
    await user.click(await screen.findByText('Edit'));
    const card = screen.getByTestId('edit-card');
    expect(within(card).getByText(/it stays as it is unless you change it/)).toBeTruthy();
    await user.clear(within(card).getByTestId('field-when'));
    await user.click(within(card).getByTestId('save'));
    await waitFor(() => expect(backend.calls.some((x) => x.cmd === 'update_contact')).toBe(true));
    const update = backend.calls.find((x) => x.cmd === 'update_contact')!;
    expect(update.args.input).toMatchObject({ occurred_at: '2026-11-18T15:30:27+01:00' });
  });

  it('deletes with an undo that restores', async () => {
    const c = contact();
    let live = [c];
    const backend = fakeBackend({
      recent_contacts: () => live,
      review: () =>
        reviewOf([reviewWeek('2026-W47', '2026-11-16', { n: live.length })], {
          current: period('2026-11-16', '2026-11-22', { n: live.length }),
        }),
      delete_contact: () => { live = []; return null; },
      restore_contact: () => { live = [c]; return c; },
    });
    const user = userEvent.setup();
    render(JournalScreen);
    await user.click(await screen.findByText('Delete'));
    await screen.findByTestId('journal-empty');
    await user.click(screen.getByTestId('restore'));
    await screen.findAllByTestId('journal-row');
    expect(backend.calls.map((x) => x.cmd)).toEqual([
      'recent_contacts', 'delete_contact', 'recent_contacts', 'review', 'restore_contact', 'recent_contacts',
    ]);
    expect(screen.getByTestId('journal-status').textContent).toContain('Contact restored.');
  });
});
