import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { app } from '../../lib/state.svelte';
import { setLanguage } from '../../lib/i18n/index.svelte';
import { contact, facets, fakeBackend as recording, refusal, settings, type Handlers } from '../../test/ipc';
import type { CustomerHistory } from '../../lib/ipc';
import { forgetKept } from '../../lib/kept';
import LogScreen from './LogScreen.svelte';

// What the form reads while it is filled (topics to suggest, a customer's history) answers
// by default; `calls` holds what it sent to be saved, `reads` the rest.
const READS = ['review_facets', 'customer_history', 'ask_valued'];
function fakeBackend(handlers: Handlers) {
  const all = recording({
    review_facets: () => facets({ topics: ['factuur', 'storing'] }),
    customer_history: () => null,
    ask_valued: () => false,
    ...handlers,
  });
  return {
    get calls() {
      return all.calls.filter((c) => !READS.includes(c.cmd));
    },
    get reads() {
      return all.calls.filter((c) => READS.includes(c.cmd));
    },
  };
}

const radio = (axis: string, r: number) => screen.getByTestId(`rating-${axis}-${r}`) as HTMLInputElement;
const checked = (axis: string) =>
  [1, 2, 3, 4, 5].filter((r) => radio(axis, r).checked);

// The dates in the fixtures are of this year: a fixed "now" keeps the years off the labels,
// whenever the tests run.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date(2026, 10, 22, 12, 0));
  app.settings = settings();
  setLanguage('en');
  forgetKept();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('logging a contact with the keyboard', () => {
  it('takes a digit, a digit and Enter, then clears and refocuses', async () => {
    const saved = contact({ functional: 4, emotional: 5 });
    const backend = fakeBackend({ log_contact: () => saved });
    const user = userEvent.setup();
    render(LogScreen);

    expect(document.activeElement).toBe(radio('functional', 1));
    await user.keyboard('4');
    expect(checked('functional')).toEqual([4]);
    expect(document.activeElement).toBe(radio('emotional', 1));
    await user.keyboard('5');
    // The optional service level is next; Enter saves without one.
    expect(document.activeElement).toBe(radio('level', 1));
    expect(screen.queryByTestId('rating-reason')).toBeNull();
    await user.keyboard('{Enter}');

    await waitFor(() => expect(screen.getByTestId('status-text').textContent).toBe('Saved'));
    expect(backend.calls).toHaveLength(1);
    expect(backend.calls[0]!.cmd).toBe('log_contact');
    expect(backend.calls[0]!.args.input).toMatchObject({
      functional: 4,
      emotional: 5,
      channel: 'phone',
      occurred_at: null,
      follow_up: false,
    });
    expect(checked('functional')).toEqual([]);
    expect(checked('emotional')).toEqual([]);
    expect(document.activeElement).toBe(radio('functional', 1));
    expect(screen.getByTestId('undo')).toBeTruthy();
  });

  it('saves with Enter from a radio too, and Escape clears', async () => {
    const backend = fakeBackend({ log_contact: () => contact() });
    const user = userEvent.setup();
    render(LogScreen);
    await user.keyboard('2');
    await user.keyboard('{Escape}');
    expect(checked('functional')).toEqual([]);
    expect(document.activeElement).toBe(radio('functional', 1));
    await user.keyboard('3');
    await user.keyboard('1');
    radio('emotional', 1).focus();
    await user.keyboard('{Enter}');
    await waitFor(() => expect(backend.calls).toHaveLength(1));
    expect(backend.calls[0]!.args.input).toMatchObject({ functional: 3, emotional: 1 });
  });

  it('shows the core refusal at the field and keeps what was typed', async () => {
    fakeBackend({ log_contact: () => { throw refusal('emotional', 'required'); } });
    const user = userEvent.setup();
    render(LogScreen);
    await user.keyboard('4');
    await user.click(screen.getByTestId('save'));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('“Did the customer feel welcome?” needs an answer.');
    expect(checked('functional')).toEqual([4]);
    expect(screen.getByTestId('status').textContent?.trim()).toBe('');
    expect(document.activeElement).toBe(radio('emotional', 1));
  });

  it('sends the optional details and opens them to show an error there', async () => {
    const backend = fakeBackend({ log_contact: () => { throw refusal('note', 'too_long'); } });
    const user = userEvent.setup();
    render(LogScreen);
    await user.click(screen.getByText('More details (optional)'));
    await user.selectOptions(screen.getByTestId('field-channel'), 'email');
    await user.type(screen.getByTestId('field-topic'), 'factuur');
    await user.type(screen.getByTestId('field-note'), 'belt terug');
    await user.click(screen.getByTestId('field-follow-up'));
    await user.click(radio('functional', 2));
    await user.click(radio('emotional', 3));
    await user.click(screen.getByTestId('save'));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe('“Note” is too long.'));
    expect(backend.calls[0]!.args.input).toMatchObject({
      functional: 2, emotional: 3, channel: 'email', topic: 'factuur', note: 'belt terug', follow_up: true,
    });
    expect(document.activeElement).toBe(screen.getByTestId('field-note'));
  });

  it('undoes the last save by deleting that contact', async () => {
    const saved = contact();
    const backend = fakeBackend({ log_contact: () => saved, delete_contact: () => null });
    const user = userEvent.setup();
    render(LogScreen);
    await user.keyboard('4');
    await user.keyboard('4');
    await user.keyboard('{Enter}');
    await screen.findByTestId('undo');
    await user.keyboard('{Control>}z{/Control}');
    await waitFor(() => expect(screen.getByTestId('status-text').textContent).toBe('Undone: this contact was removed.'));
    // Which contact: its ratings and its time.
    expect(screen.getByTestId('status').textContent).toContain('Solved 4, welcome 5 · contact of Wed 18 Nov 15:30');
    expect(backend.calls.map((c) => c.cmd)).toEqual(['log_contact', 'delete_contact']);
    expect(backend.calls[1]!.args).toEqual({ id: saved.id });
    expect(screen.queryByTestId('undo')).toBeNull();
  });

  it('names the time of the saved contact, and the day when it is not today', async () => {
    const todays = new Date();
    const pad = (n: number) => String(n).padStart(2, '0');
    const day = `${todays.getFullYear()}-${pad(todays.getMonth() + 1)}-${pad(todays.getDate())}`;
    const answers = [
      contact({ functional: 2, emotional: 3, occurred_at: `${day}T09:41:00+01:00`, local_date: day }),
      contact({ functional: 5, emotional: 4, occurred_at: '2026-11-18T15:30:00+01:00', local_date: '2026-11-18' }),
    ];
    fakeBackend({ log_contact: () => answers.shift() });
    const user = userEvent.setup();
    render(LogScreen);
    await user.keyboard('23{Enter}');
    await waitFor(() => expect(screen.getByTestId('status').textContent).toContain('Solved 2, welcome 3 · contact of 09:41'));
    await user.keyboard('54{Enter}');
    await waitFor(() => expect(screen.getByTestId('status').textContent).toContain('Solved 5, welcome 4 · contact of Wed 18 Nov 15:30'));
  });

  it('clears a filled form with Esc, and Ctrl+Z brings every field back', async () => {
    const backend = fakeBackend({ log_contact: () => contact() });
    const user = userEvent.setup();
    render(LogScreen);
    await user.keyboard('3');
    await user.keyboard('2');
    await user.click(screen.getByText('More details (optional)'));
    await user.selectOptions(screen.getByTestId('field-channel'), 'chat');
    await user.type(screen.getByTestId('field-when'), '2026-11-20T09:15');
    await user.type(screen.getByTestId('field-topic'), 'factuur');
    await user.type(screen.getByTestId('field-customer'), 'K-42');
    await user.type(screen.getByTestId('field-note'), 'belt terug');
    await user.click(screen.getByTestId('field-follow-up'));
    const fields = () => ({
      functional: checked('functional'),
      emotional: checked('emotional'),
      channel: (screen.getByTestId('field-channel') as HTMLSelectElement).value,
      when: (screen.getByTestId('field-when') as HTMLInputElement).value,
      topic: (screen.getByTestId('field-topic') as HTMLInputElement).value,
      customer: (screen.getByTestId('field-customer') as HTMLInputElement).value,
      note: (screen.getByTestId('field-note') as HTMLTextAreaElement).value,
      followUp: (screen.getByTestId('field-follow-up') as HTMLInputElement).checked,
    });
    const filled = fields();
    expect(filled).toEqual({
      functional: [3], emotional: [2], channel: 'chat', when: '2026-11-20T09:15',
      topic: 'factuur', customer: 'K-42', note: 'belt terug', followUp: true,
    });
    screen.getByTestId('field-note').focus();
    await user.keyboard('{Escape}');
    expect(checked('functional')).toEqual([]);
    expect(screen.getByTestId('status-text').textContent).toBe('Form cleared.');
    await user.keyboard('{Control>}z{/Control}');
    await waitFor(() => expect(fields()).toEqual(filled));
    expect(screen.getByTestId('status').textContent?.trim()).toBe('');
    expect(backend.calls).toHaveLength(0);
  });

  it('says nothing when Esc clears an empty form', async () => {
    fakeBackend({});
    const user = userEvent.setup();
    render(LogScreen);
    await user.keyboard('{Escape}');
    expect(screen.getByTestId('status').textContent?.trim()).toBe('');
  });

  it('drops the last status as soon as the next contact is started', async () => {
    fakeBackend({ log_contact: () => contact() });
    const user = userEvent.setup();
    render(LogScreen);
    await user.keyboard('44{Enter}');
    await waitFor(() => expect(screen.getByTestId('status-text').textContent).toBe('Saved'));
    await user.keyboard('2');
    expect(screen.getByTestId('status').textContent?.trim()).toBe('');
  });

  it('refuses a half-typed date at the field instead of saving it as now', async () => {
    const backend = fakeBackend({ log_contact: () => contact() });
    const user = userEvent.setup();
    render(LogScreen);
    await user.keyboard('44');
    await user.click(screen.getByText('More details (optional)'));
    const when = screen.getByTestId('field-when') as HTMLInputElement;
    // jsdom cannot type half a date; a browser reports it as validity.badInput.
    Object.defineProperty(when, 'validity', { configurable: true, get: () => ({ badInput: true }) });
    await user.click(screen.getByTestId('save'));
    expect(await screen.findByRole('alert')).toHaveProperty('textContent', '“When” is not complete: finish the date and time, or empty the field for now.');
    expect(backend.calls).toHaveLength(0);
    expect(document.activeElement).toBe(when);
    // Esc empties the half-typed field too (a new field: the browser keeps a half-typed one).
    await user.keyboard('{Escape}');
    expect(screen.getByTestId('field-when')).not.toBe(when);
    await user.keyboard('44{Enter}');
    await waitFor(() => expect(backend.calls).toHaveLength(1));
    expect(backend.calls[0]!.args.input).toMatchObject({ occurred_at: null });
  });

  it('asks once more before saving a time far from today', async () => {
    const backend = fakeBackend({ log_contact: () => contact() });
    const user = userEvent.setup();
    render(LogScreen);
    await user.keyboard('44');
    await user.click(screen.getByText('More details (optional)'));
    const when = screen.getByTestId('field-when') as HTMLInputElement;
    await user.type(when, '2016-03-12T14:05');
    await user.click(screen.getByTestId('save'));
    const warning = await screen.findByTestId('when-warning');
    expect(warning.textContent).toMatch(/^That is [\d,]+ days ago \(Sat, 12 Mar 2016 14:05\)\. Press Save again to keep this time\.$/);
    expect(backend.calls).toHaveLength(0);
    await user.click(screen.getByTestId('save'));
    await waitFor(() => expect(backend.calls).toHaveLength(1));
    expect(backend.calls[0]!.args.input).toMatchObject({ occurred_at: '2016-03-12T14:05' });
  });

  it('names the allowed range when the core refuses a time as out of range', async () => {
    fakeBackend({ log_contact: () => { throw refusal('occurred_at', 'out_of_range'); } });
    const user = userEvent.setup();
    render(LogScreen);
    await user.keyboard('44{Enter}');
    expect((await screen.findByRole('alert')).textContent).toBe('“When” must lie between 1 January 2000 and tomorrow.');
  });

  it('asks once for the name, prefilled, without taking the focus from the form', async () => {
    app.settings = settings({ display_name: 'Eva de Vries', display_name_chosen: false, language: 'en', target_emotional: 45 });
    const backend = fakeBackend({
      save_settings: (args) => settings({ display_name: (args.input as { display_name: string }).display_name }),
      carry_over_contacts: () => 3,
    });
    const user = userEvent.setup();
    render(LogScreen);
    expect(document.activeElement).toBe(radio('functional', 1));
    const input = screen.getByTestId('name-check-input') as HTMLInputElement;
    expect(input.value).toBe('Eva de Vries');
    await user.clear(input);
    await user.type(input, 'Eva');
    await user.click(screen.getByTestId('name-check-save'));
    await waitFor(() => expect(screen.queryByTestId('name-check')).toBeNull());
    expect(backend.calls[0]!.args.input).toMatchObject({ display_name: 'Eva', language: 'en', target_emotional: 45 });
    expect(backend.calls.map((c) => c.cmd)).toEqual(['save_settings', 'carry_over_contacts']);
    expect(screen.getByText('Logging as Eva')).toBeTruthy();
  });

  it('does not ask for the name once it was chosen', () => {
    fakeBackend({});
    render(LogScreen);
    expect(screen.queryByTestId('name-check')).toBeNull();
  });

  it('keeps a half-typed contact while another screen is shown', async () => {
    fakeBackend({});
    const user = userEvent.setup();
    const first = render(LogScreen);
    await user.keyboard('4');
    await user.click(screen.getByText('More details (optional)'));
    await user.type(screen.getByTestId('field-topic'), 'factuur');
    first.unmount();
    render(LogScreen);
    await waitFor(() => expect(document.activeElement).toBe(radio('functional', 4)));
    expect(checked('functional')).toEqual([4]);
    expect((screen.getByTestId('field-topic') as HTMLInputElement).value).toBe('factuur');
  });

  it('speaks Dutch when the language is Dutch', async () => {
    fakeBackend({});
    setLanguage('nl');
    render(LogScreen);
    expect(screen.getByText('Opgelost?')).toBeTruthy();
    expect(screen.getByText('Voelde de klant zich welkom?')).toBeTruthy();
    expect(screen.getByText('Je legt vast als Anna')).toBeTruthy();
  });
});

describe('the optional questions', () => {
  it('asks why a contact failed with one more digit, then the level, then Save', async () => {
    const backend = fakeBackend({ log_contact: () => contact({ functional: 2, emotional: 4 }) });
    const user = userEvent.setup();
    render(LogScreen);
    await user.keyboard('24');
    expect(document.activeElement).toBe(radio('reason', 1));
    expect(screen.getByTestId('rating-reason').textContent).toContain('Bill or order wrong');
    await user.keyboard('3');
    expect(document.activeElement).toBe(radio('level', 1));
    await user.keyboard('4');
    expect(document.activeElement).toBe(screen.getByTestId('save'));
    await user.keyboard('{Enter}');
    await waitFor(() => expect(backend.calls).toHaveLength(1));
    expect(backend.calls[0]!.args.input).toMatchObject({ functional: 2, emotional: 4, reason: 'wrong', level: 4, valued: null, nps: null });
  });

  it('drops a reason once the rating says the contact was solved after all', async () => {
    const backend = fakeBackend({ log_contact: () => contact() });
    const user = userEvent.setup();
    render(LogScreen);
    await user.keyboard('144');
    expect(checked('reason')).toEqual([4]);
    await user.click(radio('functional', 4));
    expect(screen.queryByTestId('rating-reason')).toBeNull();
    await user.click(screen.getByTestId('save'));
    await waitFor(() => expect(backend.calls).toHaveLength(1));
    expect(backend.calls[0]!.args.input).toMatchObject({ functional: 4, reason: null });
  });

  it('takes an optional answer back with Backspace', async () => {
    const backend = fakeBackend({ log_contact: () => contact() });
    const user = userEvent.setup();
    render(LogScreen);
    await user.keyboard('453');
    expect(checked('level')).toEqual([3]);
    radio('level', 3).focus();
    await user.keyboard('{Backspace}');
    expect(checked('level')).toEqual([]);
    await user.keyboard('{Enter}');
    await waitFor(() => expect(backend.calls).toHaveLength(1));
    expect(backend.calls[0]!.args.input).toMatchObject({ level: null });
  });

  it('asks “valued?” only when the sample draws this contact', async () => {
    const backend = fakeBackend({ ask_valued: () => true, log_contact: () => contact() });
    const user = userEvent.setup();
    render(LogScreen);
    await waitFor(() => expect(screen.getByTestId('rating-valued')).toBeTruthy());
    await user.keyboard('45');
    expect(document.activeElement).toBe(radio('valued', 1));
    await user.keyboard('2');
    expect(document.activeElement).toBe(radio('level', 1));
    await user.keyboard('{Enter}');
    await waitFor(() => expect(backend.calls).toHaveLength(1));
    expect(backend.calls[0]!.args.input).toMatchObject({ valued: 2 });
  });

  it('draws the sample anew for each contact: not asked, then asked after the save', async () => {
    let draws = 0;
    const backend = fakeBackend({ ask_valued: () => ++draws === 2, log_contact: () => contact() });
    const user = userEvent.setup();
    render(LogScreen);
    await waitFor(() => expect(draws).toBe(1));
    expect(screen.queryByTestId('rating-valued')).toBeNull();
    await user.keyboard('45');
    expect(document.activeElement).toBe(radio('level', 1));
    await user.keyboard('{Enter}');
    await waitFor(() => expect(backend.calls).toHaveLength(1));
    expect(backend.calls[0]!.args.input).toMatchObject({ valued: null });
    // The next contact is in the sample.
    await waitFor(() => expect(screen.getByTestId('rating-valued')).toBeTruthy());
    expect(draws).toBe(2);
  });

  it('sends the customer’s own score, the promised day and the team-meeting mark from the details', async () => {
    const backend = fakeBackend({ log_contact: () => contact() });
    const user = userEvent.setup();
    render(LogScreen);
    await user.keyboard('42');
    await user.click(screen.getByText('More details (optional)'));
    await user.type(screen.getByTestId('field-nps'), '7');
    // Welcome 2 needs a follow-up: the promised day can be set.
    await user.type(screen.getByTestId('field-due'), '2026-11-25');
    await user.click(screen.getByTestId('field-star'));
    await user.click(screen.getByTestId('save'));
    await waitFor(() => expect(backend.calls).toHaveLength(1));
    expect(backend.calls[0]!.args.input).toMatchObject({ nps: 7, due: '2026-11-25', star: true });
  });

  it('shows no promised day for a contact that needs no follow-up', async () => {
    fakeBackend({});
    const user = userEvent.setup();
    render(LogScreen);
    await user.keyboard('45');
    await user.click(screen.getByText('More details (optional)'));
    expect(screen.queryByTestId('field-due')).toBeNull();
    await user.click(screen.getByTestId('field-follow-up'));
    expect(screen.getByTestId('field-due')).toBeTruthy();
  });

  it('puts a refusal of the customer’s score at its field', async () => {
    fakeBackend({ log_contact: () => Promise.reject(refusal('nps', 'out_of_range', 'nps must be 0–10, not 11')) });
    const user = userEvent.setup();
    render(LogScreen);
    await user.keyboard('45');
    await user.click(screen.getByText('More details (optional)'));
    await user.type(screen.getByTestId('field-nps'), '11');
    await user.click(screen.getByTestId('save'));
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('field-nps')));
    expect(screen.getByRole('alert').textContent).toBe('The customer’s own score is a number from 0 to 10.');
  });
});

describe('what the form offers while it is filled', () => {
  it('suggests the topics already used', async () => {
    fakeBackend({});
    const user = userEvent.setup();
    render(LogScreen);
    await user.click(screen.getByText('More details (optional)'));
    const input = screen.getByTestId('field-topic') as HTMLInputElement;
    await waitFor(() =>
      expect([...input.list!.querySelectorAll('option')].map((o) => o.value)).toEqual(['factuur', 'storing']),
    );
  });

  it('leaves Enter and Esc to the suggestions once the arrows moved into them', async () => {
    const backend = fakeBackend({ log_contact: () => contact() });
    const user = userEvent.setup();
    render(LogScreen);
    await user.click(radio('functional', 4));
    await user.click(radio('emotional', 4));
    await user.click(screen.getByText('More details (optional)'));
    const input = screen.getByTestId('field-topic') as HTMLInputElement;
    await waitFor(() => expect(input.list!.querySelectorAll('option')).toHaveLength(2));
    await user.type(input, 'fa');
    await user.keyboard('{ArrowDown}{Enter}');
    await user.keyboard('{ArrowDown}{Escape}');
    expect(backend.calls).toHaveLength(0);
    expect(input.value).toBe('fa');
    expect(checked('functional')).toEqual([4]);
    // Without the arrows, Enter saves as anywhere in the form.
    await user.keyboard('{Enter}');
    await waitFor(() => expect(backend.calls).toHaveLength(1));
    expect(backend.calls[0]!.args.input).toMatchObject({ topic: 'fa' });
  });

  it('shows a known customer’s earlier contacts in one line, and a repeat contact', async () => {
    const history: CustomerHistory = {
      contacts: 3,
      last_at: '2026-11-20T10:00:00+01:00',
      last_days_ago: 2,
      solved: 2,
      welcome: 1,
      open_follow_ups: 1,
      repeat: true,
    };
    const backend = fakeBackend({ customer_history: (a) => (a.customerRef === 'K-1' ? history : null) });
    const user = userEvent.setup();
    render(LogScreen);
    await user.click(screen.getByText('More details (optional)'));
    await user.type(screen.getByTestId('field-customer'), 'K-1');
    const line = await screen.findByTestId('customer-history');
    expect(line.textContent!.replace(/\s+/g, ' ').trim()).toBe(
      '3 earlier contacts, the last 2 days ago · solved 2 of 3 · felt welcome 1 of 3 · 1 follow-up open ' +
        'Repeat contact: the last one (2 days ago) was not rated solved (1–3).',
    );
    // Read once the typing paused, for the whole reference.
    expect(backend.reads.filter((c) => c.cmd === 'customer_history').map((c) => c.args.customerRef)).toEqual(['K-1']);
    // The line about K-1 goes the moment the reference changes.
    await user.type(screen.getByTestId('field-customer'), '2');
    expect(screen.queryByTestId('customer-history')).toBeNull();
    setLanguage('nl');
    await user.clear(screen.getByTestId('field-customer'));
    await user.type(screen.getByTestId('field-customer'), 'K-1');
    expect((await screen.findByTestId('customer-history')).textContent).toContain(
      '3 eerdere contacten, het laatste 2 dagen geleden · opgelost 2 van 3 · voelde zich welkom 1 van 3 · 1 openstaande follow-up ' +
        'Herhaalcontact: het vorige (2 dagen geleden) was niet als opgelost beoordeeld (1–3).',
    );
  });
});
