import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { setLanguage } from './lib/i18n/index.svelte';
import { facets, fakeBackend, page, reviewOf, reviewWeek, settings } from './test/ipc';
import App from './App.svelte';

vi.mock('./lib/chart/uplot', () => ({
  createChart: () => ({ update: vi.fn(), destroy: vi.fn() }),
}));

describe('the app shell', () => {
  it('starts on the log screen in the saved language and switches screens with Ctrl+digit', async () => {
    setLanguage('en');
    fakeBackend({
      get_settings: () => settings({ display_name: 'Sanne', language: 'nl' }),
      recent_contacts: () => [],
      review: () => reviewOf([reviewWeek('2026-W47', '2026-11-16')]),
      review_by_staff: () => [],
      review_facets: () => facets(),
      review_contacts: () => page([]),
      app_info: () => ({ version: '0.1.0', journal: '/data/journal.sqlite' }),
    });
    const user = userEvent.setup();
    render(App);
    expect(await screen.findByText('Contact vastleggen')).toBeTruthy();
    expect(document.documentElement.lang).toBe('nl');
    expect(document.activeElement).toBe(screen.getByTestId('rating-functional-1'));

    await user.keyboard('{Control>}2{/Control}');
    expect(await screen.findByTestId('journal-empty')).toBeTruthy();
    await user.keyboard('{Control>}3{/Control}');
    expect(await screen.findByTestId('review-summary')).toBeTruthy();
    await user.keyboard('{Control>}4{/Control}');
    expect(await screen.findByText('/data/journal.sqlite')).toBeTruthy();
    expect(screen.getByTestId('nav-settings').getAttribute('aria-current')).toBe('page');
    await user.keyboard('{Control>}1{/Control}');
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('rating-functional-1')));
  });

  it('explains when the journal cannot be opened', async () => {
    setLanguage('en');
    fakeBackend({
      get_settings: () => {
        throw { code: 'storage', message: 'The journal could not be read', field: null, kind: null };
      },
    });
    render(App);
    expect((await screen.findByRole('alert')).textContent).toBe(
      'The journal could not be read or written. Nothing was changed.',
    );
  });
});
