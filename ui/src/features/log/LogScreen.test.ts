import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { app } from '../../lib/state.svelte';
import { setLanguage } from '../../lib/i18n/index.svelte';
import { contact, fakeBackend, refusal, settings } from '../../test/ipc';
import LogScreen from './LogScreen.svelte';

const radio = (axis: string, r: number) => screen.getByTestId(`rating-${axis}-${r}`) as HTMLInputElement;
const checked = (axis: string) =>
  [1, 2, 3, 4, 5].filter((r) => radio(axis, r).checked);

beforeEach(() => {
  app.settings = settings();
  setLanguage('en');
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
    expect(document.activeElement).toBe(screen.getByTestId('save'));
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
    await waitFor(() => expect(screen.getByTestId('status-text').textContent).toBe('Undone: the contact was removed.'));
    expect(backend.calls.map((c) => c.cmd)).toEqual(['log_contact', 'delete_contact']);
    expect(backend.calls[1]!.args).toEqual({ id: saved.id });
    expect(screen.queryByTestId('undo')).toBeNull();
  });

  it('speaks Dutch when the language is Dutch', async () => {
    fakeBackend({});
    setLanguage('nl');
    render(LogScreen);
    expect(screen.getByText('Opgelost?')).toBeTruthy();
    expect(screen.getByText('Voelde de klant zich welkom?')).toBeTruthy();
    expect(screen.getByText('Vastgelegd als Anna')).toBeTruthy();
  });
});
