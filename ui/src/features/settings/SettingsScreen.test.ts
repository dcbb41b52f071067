import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { app } from '../../lib/state.svelte';
import { language, setLanguage } from '../../lib/i18n/index.svelte';
import { fakeBackend, refusal } from '../../test/ipc';
import SettingsScreen from './SettingsScreen.svelte';

const info = () => ({ version: '0.1.0', journal: '/data/journal.sqlite' });

beforeEach(() => {
  app.settings = { display_name: 'Anna', language: null };
  setLanguage('en');
});

describe('settings', () => {
  it('saves the name and switches the language at once', async () => {
    const backend = fakeBackend({
      app_info: info,
      save_settings: (args) => {
        const input = args.input as { display_name: string; language: string };
        return { display_name: input.display_name.trim(), language: input.language === 'system' ? null : input.language };
      },
    });
    const user = userEvent.setup();
    render(SettingsScreen);
    const name = screen.getByTestId('settings-name') as HTMLInputElement;
    expect(name.value).toBe('Anna');
    await user.clear(name);
    await user.type(name, 'Sanne de Wit ');
    await user.selectOptions(screen.getByTestId('settings-language'), 'nl');
    await user.click(screen.getByTestId('settings-save'));
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Instellingen opgeslagen.'));
    expect(backend.calls.find((c) => c.cmd === 'save_settings')!.args).toEqual({
      input: { display_name: 'Sanne de Wit ', language: 'nl' },
    });
    expect(app.settings).toEqual({ display_name: 'Sanne de Wit', language: 'nl' });
    expect(language()).toBe('nl');
    expect(screen.getByText('/data/journal.sqlite')).toBeTruthy();
  });

  it('names the field the core refused and keeps the old settings', async () => {
    fakeBackend({ app_info: info, save_settings: () => { throw refusal('display_name', 'required'); } });
    const user = userEvent.setup();
    render(SettingsScreen);
    await user.clear(screen.getByTestId('settings-name'));
    await user.click(screen.getByTestId('settings-save'));
    expect((await screen.findByRole('alert')).textContent).toBe('“Your name” needs an answer.');
    expect(document.activeElement).toBe(screen.getByTestId('settings-name'));
    expect(app.settings).toEqual({ display_name: 'Anna', language: null });
  });
});
