import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { tick } from 'svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setLanguage } from './lib/i18n/index.svelte';
import { contact, desktopRequests, facets, fakeBackend, page, reviewOf, reviewWeek, settings } from './test/ipc';
import { forgetKept } from './lib/kept';
import { app } from './lib/state.svelte';
import type { ExportProgress, Settings } from './lib/ipc';
import type { Channel } from '@tauri-apps/api/core';
import App from './App.svelte';

vi.mock('./lib/chart/uplot', () => ({
  createChart: () => ({ update: vi.fn(), destroy: vi.fn() }),
}));

/** The app on an English journal with one week to review, once the log form is up. */
async function onTheLogForm(): Promise<ReturnType<typeof userEvent.setup>> {
  setLanguage('en');
  fakeBackend({
    startup_problem: () => null,
    get_settings: () => settings({ display_name: 'Sanne', language: 'en' }),
    review: () => reviewOf([reviewWeek('2026-W47', '2026-11-16')]),
    review_by_staff: () => [],
    review_facets: () => facets(),
    review_contacts: () => page([]),
  });
  const user = userEvent.setup();
  render(App);
  await screen.findByTestId('rating-functional-1');
  return user;
}

describe('the app shell', () => {
  it('starts on the log screen in the saved language and switches screens with Ctrl+digit', async () => {
    setLanguage('en');
    fakeBackend({
      startup_problem: () => null,
      get_settings: () => settings({ display_name: 'Sanne', language: 'nl' }),
      recent_contacts: () => [],
      review: () => reviewOf([reviewWeek('2026-W47', '2026-11-16')]),
      review_by_staff: () => [],
      review_facets: () => facets(),
      review_contacts: () => page([]),
      app_info: () => ({ version: '0.1.0', journal: '/data/journal.sqlite', global_shortcuts: true, shortcut_taken: false }),
    });
    const user = userEvent.setup();
    render(App);
    expect(await screen.findByText('Contact vastleggen')).toBeTruthy();
    expect(document.documentElement.lang).toBe('nl');
    expect(document.activeElement).toBe(screen.getByTestId('rating-functional-1'));

    // Each screen takes the keyboard to its heading, never to the page body.
    await user.keyboard('{Control>}2{/Control}');
    expect(await screen.findByTestId('journal-empty')).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByRole('heading', { level: 1 }));
    await user.keyboard('{Control>}3{/Control}');
    expect(await screen.findByTestId('review-summary')).toBeTruthy();
    expect(document.activeElement?.tagName).toBe('H1');
    expect(document.activeElement?.textContent).toBe('Teamoverzicht');
    await user.keyboard('{Control>}4{/Control}');
    expect(await screen.findByText('/data/journal.sqlite')).toBeTruthy();
    expect(document.activeElement?.tagName).toBe('H1');
    expect(document.activeElement?.textContent).toBe('Instellingen');
    expect(screen.getByTestId('nav-settings').getAttribute('aria-current')).toBe('page');
    await user.keyboard('{Control>}1{/Control}');
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('rating-functional-1')));
  });

  it('puts the keyboard on the log form before it takes the screen left down', async () => {
    const user = await onTheLogForm();
    await user.keyboard('{Control>}3{/Control}');
    await screen.findByTestId('review-summary');
    await waitFor(() => expect(screen.queryByTestId('rating-functional-1')).toBeNull());

    // jsdom scrolls nothing: the page's scrolling element stands in, to see it asked to.
    const scrolled = vi.fn();
    Object.defineProperty(document, 'scrollingElement', { configurable: true, value: { scrollTo: scrolled } });
    fireEvent.keyDown(window, { key: '1', ctrlKey: true });
    await tick();
    await tick();
    expect(scrolled).toHaveBeenCalledWith(0, 0);
    Reflect.deleteProperty(document, 'scrollingElement');
    // The form has the keyboard while the review, hidden, is still in the page …
    expect(document.activeElement).toBe(screen.getByTestId('rating-functional-1'));
    expect(screen.getByTestId('review-screen').closest('[hidden]')).not.toBeNull();
    expect(screen.queryByRole('heading', { name: 'Team review' })).toBeNull();
    // … and only after a frame is the review gone.
    await waitFor(() => expect(screen.queryByTestId('review-screen')).toBeNull());
    expect(document.activeElement).toBe(screen.getByTestId('rating-functional-1'));
  });

  it('puts the keyboard back on the log form when it comes back before it was taken down', async () => {
    const user = await onTheLogForm();
    // The review's code is loaded: the next switch to it happens at once.
    await user.keyboard('{Control>}3{/Control}');
    await screen.findByTestId('review-summary');
    await user.keyboard('{Control>}1{/Control}');
    await waitFor(() => expect(screen.queryByTestId('review-screen')).toBeNull());

    fireEvent.keyDown(window, { key: '3', ctrlKey: true });
    await tick();
    fireEvent.keyDown(window, { key: '1', ctrlKey: true });
    await tick();
    await tick();
    // The form was hidden, not taken down: it is the same form, and it has the keyboard.
    expect(screen.getByTestId('rating-functional-1').closest('[hidden]')).toBeNull();
    expect(document.activeElement).toBe(screen.getByTestId('rating-functional-1'));
  });

  it('shows how far the contacts export is on every screen while a contact is logged, then where it went', async () => {
    setLanguage('en');
    let progress: Channel<ExportProgress> | undefined;
    let finish: (path: string) => void = () => undefined;
    const backend = fakeBackend({
      startup_problem: () => null,
      get_settings: () => settings({ display_name: 'Sanne', language: 'en' }),
      review: () => reviewOf([reviewWeek('2026-W47', '2026-11-16')]),
      review_by_staff: () => [],
      review_facets: () => facets(),
      review_contacts: () => page([]),
      ask_valued: () => false,
      customer_history: () => null,
      log_contact: () => contact({ functional: 4, emotional: 5 }),
      export_contacts_csv: (args) => {
        progress = args.progress as Channel<ExportProgress>;
        return new Promise<string>((resolve) => (finish = resolve));
      },
    });
    const user = userEvent.setup();
    render(App);
    await screen.findByTestId('rating-functional-1');
    await user.keyboard('{Control>}3{/Control}');
    await user.click(await screen.findByTestId('export-contacts'));
    const asked = backend.calls.find((c) => c.cmd === 'export_contacts_csv')!;
    expect(asked.args).toMatchObject({ semicolons: false, fileName: expect.stringMatching(/^contactmoment-contacts-.*\.csv$/) });
    // While the save dialog is open nothing shows; the first page starts the line.
    expect(screen.queryByTestId('bulk-line')).toBeNull();
    expect((screen.getByTestId('export-contacts') as HTMLButtonElement).disabled).toBe(true);
    progress!.onmessage({ done: 250000, total: 1000000 });
    expect((await screen.findByTestId('bulk-progress-text')).textContent).toBe('Exporting contacts: 250,000 of 1,000,000 (25%)');
    expect((screen.getByRole('progressbar') as HTMLProgressElement).value).toBe(250000);

    // The log form is not held up: a contact is saved while the export runs.
    await user.keyboard('{Control>}1{/Control}');
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('rating-functional-1')));
    await user.keyboard('4');
    await user.keyboard('5');
    await user.keyboard('{Enter}');
    await waitFor(() => expect(screen.getByTestId('status-text').textContent).toBe('Saved'));
    progress!.onmessage({ done: 750000, total: 1000000 });
    expect((await screen.findByTestId('bulk-progress-text')).textContent).toBe('Exporting contacts: 750,000 of 1,000,000 (75%)');

    finish('/home/sanne/contactmoment-contacts.csv');
    expect((await screen.findByTestId('bulk-outcome')).textContent).toBe('Contacts saved to /home/sanne/contactmoment-contacts.csv');
    expect(screen.queryByRole('progressbar')).toBeNull();
    // Closed from the keyboard, the keyboard goes back to the form's first question.
    screen.getByRole('button', { name: 'Close this message' }).focus();
    await user.keyboard('{Escape}');
    expect(screen.queryByTestId('bulk-line')).toBeNull();
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('rating-functional-1')));
  });

  it('stops a long export from its line, with the keyboard, and says no file was saved', async () => {
    setLanguage('en');
    let progress: Channel<ExportProgress> | undefined;
    let finish: (path: string | null) => void = () => undefined;
    const backend = fakeBackend({
      startup_problem: () => null,
      get_settings: () => settings({ display_name: 'Sanne', language: 'en' }),
      review: () => reviewOf([reviewWeek('2026-W47', '2026-11-16')]),
      review_by_staff: () => [],
      review_facets: () => facets(),
      review_contacts: () => page([]),
      ask_valued: () => false,
      export_contacts_csv: (args) => {
        progress = args.progress as Channel<ExportProgress>;
        return new Promise<string | null>((resolve) => (finish = resolve));
      },
      stop_export: () => {
        finish(null);
        return null;
      },
    });
    const user = userEvent.setup();
    render(App);
    await screen.findByTestId('rating-functional-1');
    await user.keyboard('{Control>}3{/Control}');
    await user.click(await screen.findByTestId('export-contacts'));
    progress!.onmessage({ done: 5000, total: 1000000 });
    const stop = await screen.findByRole('button', { name: 'Stop export' });
    stop.focus();
    await user.keyboard('{Enter}');
    expect(backend.calls.filter((c) => c.cmd === 'stop_export')).toHaveLength(1);
    expect((await screen.findByTestId('bulk-outcome')).textContent).toBe('Export stopped: no file was saved.');
    // The keyboard was on Stop, which is gone: it is on the outcome's close button now.
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Close this message' })));
    await user.keyboard('{Enter}');
    expect(screen.queryByTestId('bulk-line')).toBeNull();
    await waitFor(() => expect(document.activeElement?.tagName).toBe('H1'));
  });

  describe('with what the shell handed over before the script ran', () => {
    const handOver = (first: unknown) => Object.assign(window, { __CONTACTMOMENT_FIRST_SCREEN__: first });
    afterEach(() => Reflect.deleteProperty(window, '__CONTACTMOMENT_FIRST_SCREEN__'));
    // Answers that never come: what shows was not waited for.
    const never = () => new Promise<never>(() => undefined);

    it('shows the log form in the journal\'s language without waiting for a round trip', async () => {
      setLanguage('en');
      handOver({ problem: null, settings: settings({ display_name: 'Handed Hanna', language: 'nl' }) });
      const backend = fakeBackend({ startup_problem: never, get_settings: never, ask_valued: never });
      render(App);
      expect(screen.getByText('Contact vastleggen')).toBeTruthy();
      expect(screen.getByText(/Handed Hanna/)).toBeTruthy();
      expect(document.documentElement.lang).toBe('nl');
      await tick();
      expect(document.activeElement).toBe(screen.getByTestId('rating-functional-1'));
      // It still asks, in case the page was loaded again since the start.
      await waitFor(() => expect(backend.calls.map((c) => c.cmd)).toContain('startup_problem'));
    });

    it('takes the answers over what was handed over, for a page loaded again since the start', async () => {
      setLanguage('en');
      handOver({ problem: null, settings: settings({ display_name: 'Handed Hanna', language: 'nl' }) });
      fakeBackend({
        startup_problem: () => null,
        get_settings: () => settings({ display_name: 'Fresh Femke', language: 'en' }),
        ask_valued: never,
      });
      render(App);
      expect(screen.getByText('Contact vastleggen')).toBeTruthy();
      expect(await screen.findByText('Log a contact')).toBeTruthy();
      expect(screen.getByText(/Fresh Femke/)).toBeTruthy();
      expect(screen.queryByText(/Handed Hanna/)).toBeNull();
      expect(document.documentElement.lang).toBe('en');
    });

    it('keeps settings saved while the answer to its own question was on its way', async () => {
      setLanguage('en');
      handOver({ problem: null, settings: settings({ display_name: 'Handed Hanna', language: 'nl' }) });
      let answer: (s: Settings) => void = () => undefined;
      const backend = fakeBackend({
        startup_problem: () => null,
        get_settings: () => new Promise<Settings>((resolve) => (answer = resolve)),
        ask_valued: never,
      });
      render(App);
      await waitFor(() => expect(backend.calls.map((c) => c.cmd)).toContain('get_settings'));
      app.settings = settings({ display_name: 'Saved Sam', language: 'en' });
      answer(settings({ display_name: 'Handed Hanna', language: 'nl' }));
      expect(await screen.findByText(/Saved Sam/)).toBeTruthy();
      await tick();
      await tick();
      expect(app.settings.display_name).toBe('Saved Sam');
      expect(screen.queryByText(/Handed Hanna/)).toBeNull();
    });

    it('opens on the recovery screen when the journal could not be opened', () => {
      setLanguage('en');
      handOver({
        problem: { problem: 'damaged', journal: '/data/journal.sqlite', detail: 'Page 3 is never used', backups: [] },
        settings: null,
      });
      fakeBackend({ startup_problem: never });
      render(App);
      expect(screen.getByTestId('recovery-problem').textContent).toBe('The journal file is damaged.');
      expect(screen.queryByTestId('nav-log')).toBeNull();
    });
  });

  it('explains when the journal cannot be opened', async () => {
    setLanguage('en');
    fakeBackend({
      startup_problem: () => null,
      get_settings: () => {
        throw { code: 'storage', message: 'The journal could not be read', field: null, kind: null };
      },
    });
    render(App);
    expect((await screen.findByRole('alert')).textContent).toBe(
      'The journal could not be read or written. Nothing was changed.',
    );
  });

  it('offers a way out when the journal cannot be opened, and opens the restored journal', async () => {
    setLanguage('en');
    const backup = '/data/backups/journal-2026-11-22T083000.sqlite';
    let restored = false;
    const backend = fakeBackend({
      startup_problem: () => ({
        problem: 'damaged',
        journal: '/data/journal.sqlite',
        detail: '/data/journal.sqlite is damaged: Page 3 is never used',
        backups: [
          { path: backup, name: 'journal-2026-11-22T083000.sqlite', bytes: 40960 },
          { path: '/data/backups/journal-2026-11-21T090000.sqlite', name: 'journal-2026-11-21T090000.sqlite', bytes: 39936 },
        ],
      }),
      recover_from_backup: () => {
        restored = true;
        return null;
      },
      get_settings: () => {
        if (!restored) throw { code: 'storage', message: 'no journal', field: null, kind: null };
        return settings();
      },
      recent_contacts: () => [],
    });
    const user = userEvent.setup();
    render(App);
    expect((await screen.findByTestId('recovery-problem')).textContent).toBe('The journal file is damaged.');
    expect(screen.getByText('/data/journal.sqlite')).toBeTruthy();
    expect(screen.getByText('2026-11-22 08:30')).toBeTruthy();
    expect(screen.getByText('40 kB')).toBeTruthy();
    expect(backend.calls.some((c) => c.cmd === 'get_settings')).toBe(false);
    // The screens cannot be reached until a journal is open.
    await user.keyboard('{Control>}3{/Control}');
    expect(screen.getByTestId('recovery-screen')).toBeTruthy();

    await user.click(screen.getAllByTestId('recovery-restore')[0]!);
    expect(await screen.findByText('Log a contact')).toBeTruthy();
    expect(backend.calls.find((c) => c.cmd === 'recover_from_backup')!.args).toEqual({ path: backup });
    expect(screen.queryByTestId('recovery-screen')).toBeNull();
  });

  it('keeps the way out open and says why when a backup cannot be restored', async () => {
    setLanguage('en');
    fakeBackend({
      startup_problem: () => ({ problem: 'newer', journal: '/data/journal.sqlite', detail: 'schema 29991231', backups: [] }),
      start_new_journal: () => {
        throw { code: 'storage', message: '/data is read-only', field: null, kind: null };
      },
    });
    const user = userEvent.setup();
    render(App);
    expect((await screen.findByTestId('recovery-problem')).textContent).toContain('newer version');
    expect(screen.getByText('There are no backups of this journal.')).toBeTruthy();
    await user.click(screen.getByTestId('recovery-new'));
    expect(await screen.findByText('/data is read-only')).toBeTruthy();
    expect(screen.getByTestId('recovery-screen')).toBeTruthy();
  });
});

describe('the desktop around the window', () => {
  const screens = () => ({
    get_settings: () => settings({ language: 'en' }),
    recent_contacts: () => [],
    ask_valued: () => false,
    customer_history: () => null,
    review: () => reviewOf([reviewWeek('2026-W47', '2026-11-16')]),
    review_by_staff: () => [],
    review_facets: () => facets(),
    review_contacts: () => page([]),
    what_changed: () => {
      throw { code: 'storage', message: 'not in this test', field: null, kind: null };
    },
  });

  it('shows the log form with the keyboard on it when the shortcut, the tray or a second start asks', async () => {
    setLanguage('en');
    forgetKept();
    const desktop = desktopRequests();
    const backend = fakeBackend({ ...screens(), startup_problem: () => null, next_desktop_request: desktop.handler });
    const user = userEvent.setup();
    render(App);
    await screen.findByTestId('rating-functional-1');
    // From another screen: the Log comes back, on its first question.
    await user.keyboard('{Control>}3{/Control}');
    await waitFor(() => expect(screen.getByTestId('nav-review').getAttribute('aria-current')).toBe('page'));
    desktop.send({ kind: 'show', screen: 'log' });
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('rating-functional-1')));
    expect(screen.getByTestId('nav-log').getAttribute('aria-current')).toBe('page');
    // On the Log already, with the keyboard elsewhere: it goes back to the first question.
    screen.getByTestId('nav-settings').focus();
    desktop.send({ kind: 'show', screen: 'log' });
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('rating-functional-1')));
    desktop.send({ kind: 'show', screen: 'review' });
    await waitFor(() => expect(screen.getByTestId('nav-review').getAttribute('aria-current')).toBe('page'));
    // Each request is asked for after the one before, so none is done twice.
    const afters = () => backend.calls.filter((c) => c.cmd === 'next_desktop_request').map((c) => c.args.after);
    await waitFor(() => expect(afters()).toEqual([0, 1, 2, 3]));
  });

  it('takes the open app to the recovery screen when the whole-file check finds damage, keeping what was typed', async () => {
    setLanguage('en');
    forgetKept();
    const desktop = desktopRequests();
    let damaged = false;
    const backend = fakeBackend({
      ...screens(),
      startup_problem: () =>
        damaged ? { problem: 'damaged', journal: '/data/journal.sqlite', detail: 'Page 9 is never used', backups: [] } : null,
      start_new_journal: () => {
        damaged = false;
        return null;
      },
      next_desktop_request: desktop.handler,
    });
    const user = userEvent.setup();
    render(App);
    await screen.findByTestId('rating-functional-1');
    await user.keyboard('4');
    await waitFor(() => expect((screen.getByTestId('rating-functional-4') as HTMLInputElement).checked).toBe(true));

    damaged = true;
    desktop.send({ kind: 'damaged' });
    expect((await screen.findByTestId('recovery-problem')).textContent).toBe('The journal file is damaged.');
    expect(screen.queryByTestId('nav-log')).toBeNull();
    await user.click(screen.getByTestId('recovery-new'));
    await screen.findByTestId('rating-functional-1');
    expect(backend.calls.some((c) => c.cmd === 'start_new_journal')).toBe(true);
    await waitFor(() => expect((screen.getByTestId('rating-functional-4') as HTMLInputElement).checked).toBe(true));
  });

  it('asks, when the shell says the window was closed the first time, whether the app stays in the tray', async () => {
    setLanguage('en');
    const desktop = desktopRequests();
    const backend = fakeBackend({
      ...screens(),
      startup_problem: () => null,
      next_desktop_request: desktop.handler,
      close_window: () => null,
    });
    const user = userEvent.setup();
    render(App);
    await screen.findByTestId('rating-functional-1');
    desktop.send({ kind: 'close_asked' });
    const dialog = await screen.findByRole('alertdialog');
    expect(dialog.textContent).toContain('Then Ctrl+Alt+L and the tray icon bring the log form back');
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('close-keep')));
    await user.click(screen.getByTestId('close-quit'));
    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
    expect(backend.calls.find((c) => c.cmd === 'close_window')!.args).toEqual({ keepInTray: false });

    desktop.send({ kind: 'close_asked' });
    await screen.findByRole('alertdialog');
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
    expect(backend.calls.filter((c) => c.cmd === 'close_window')).toHaveLength(1);
  });
});
