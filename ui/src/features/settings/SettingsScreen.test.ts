import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { app } from '../../lib/state.svelte';
import { language, setLanguage } from '../../lib/i18n/index.svelte';
import { fakeBackend, refusal, settings } from '../../test/ipc';
import SettingsScreen from './SettingsScreen.svelte';
import { team } from '../../lib/team.svelte';

const info = () => ({ version: '0.1.0', journal: '/data/journal.sqlite', global_shortcuts: true, shortcut_taken: false });

beforeEach(() => {
  app.settings = settings();
  team.status = null;
  setLanguage('en');
});

describe('settings', () => {
  it('saves the name and switches the language at once', async () => {
    const backend = fakeBackend({
      app_info: info,
      save_settings: (args) => {
        const input = args.input as { display_name: string; language: string; target_functional: number | null; target_emotional: number | null };
        return settings({
          display_name: input.display_name.trim(),
          language: input.language === 'system' ? null : (input.language as 'nl'),
          target_functional: input.target_functional,
          target_emotional: input.target_emotional,
        });
      },
    });
    const user = userEvent.setup();
    render(SettingsScreen);
    const name = screen.getByTestId('settings-name') as HTMLInputElement;
    expect(name.value).toBe('Anna');
    await user.clear(name);
    await user.type(name, 'Sanne de Wit ');
    await user.selectOptions(screen.getByTestId('settings-language'), 'nl');
    await user.type(screen.getByTestId('settings-target-emotional'), '45');
    await user.type(screen.getByTestId('settings-valued-every'), '10');
    await user.click(screen.getByTestId('settings-save'));
    await waitFor(() => expect(screen.getByTestId('settings-status').textContent).toBe('Instellingen opgeslagen.'));
    expect(backend.calls.find((c) => c.cmd === 'save_settings')!.args).toEqual({
      input: {
        display_name: 'Sanne de Wit ',
        language: 'nl',
        target_functional: null,
        target_emotional: 45,
        retention_months: null,
        retention_whole_contacts: false,
        backups_keep: 14,
        pseudonymise_customers: false,
        valued_every: 10,
        log_shortcut: 'Ctrl+Alt+L',
        close_to_tray: true,
      },
    });
    expect(app.settings).toEqual(settings({ display_name: 'Sanne de Wit', language: 'nl', target_emotional: 45 }));
    expect(language()).toBe('nl');
    expect(screen.getByText('/data/journal.sqlite')).toBeTruthy();
  });

  it('sets how long notes are kept and how many backups, and shows what is stored', async () => {
    const backend = fakeBackend({
      app_info: info,
      save_settings: (args) => {
        const input = args.input as {
          retention_months: number | null;
          retention_whole_contacts: boolean;
          backups_keep: number;
          pseudonymise_customers: boolean;
        };
        return settings({
          retention_months: input.retention_months,
          retention_whole_contacts: input.retention_whole_contacts,
          backups_keep: input.backups_keep,
          pseudonymise_customers: input.pseudonymise_customers,
        });
      },
    });
    const user = userEvent.setup();
    render(SettingsScreen);
    const keep = screen.getByTestId('settings-backups-keep') as HTMLInputElement;
    expect(keep.value).toBe('14');
    await user.type(screen.getByTestId('settings-retention-months'), '24');
    await user.click(screen.getByLabelText('Erase whole contacts, not only their notes'));
    await user.click(screen.getByTestId('settings-pseudonymise'));
    await user.clear(keep);
    await user.type(keep, '7');
    await user.click(screen.getByTestId('settings-save'));
    await waitFor(() => expect(screen.getByTestId('settings-status').textContent).toBe('Settings saved.'));
    expect(backend.calls.find((c) => c.cmd === 'save_settings')!.args).toMatchObject({
      input: { retention_months: 24, retention_whole_contacts: true, backups_keep: 7, pseudonymise_customers: true },
    });
    expect(app.settings).toMatchObject({
      retention_months: 24,
      retention_whole_contacts: true,
      backups_keep: 7,
      pseudonymise_customers: true,
    });
  });

  it('names the field the core refused and keeps the old settings', async () => {
    fakeBackend({ app_info: info, save_settings: () => { throw refusal('display_name', 'required'); } });
    const user = userEvent.setup();
    render(SettingsScreen);
    await user.clear(screen.getByTestId('settings-name'));
    await user.click(screen.getByTestId('settings-save'));
    expect((await screen.findByRole('alert')).textContent).toBe('“Your name” needs an answer.');
    expect(document.activeElement).toBe(screen.getByTestId('settings-name'));
    expect(app.settings).toEqual(settings());
  });

  it('refuses a target out of range at the field, keeping the old settings', async () => {
    fakeBackend({ app_info: info, save_settings: () => { throw refusal('target_functional', 'out_of_range'); } });
    const user = userEvent.setup();
    render(SettingsScreen);
    await user.type(screen.getByTestId('settings-target-functional'), '120');
    await user.click(screen.getByTestId('settings-save'));
    expect((await screen.findByRole('alert')).textContent).toBe('“Target for solved” is out of range.');
    expect(document.activeElement).toBe(screen.getByTestId('settings-target-functional'));
    expect(app.settings).toEqual(settings());
  });

  it('after a rename, offers to carry the earlier contacts over to the new name', async () => {
    let names = [{ name: 'root', contacts: 10 }];
    const backend = fakeBackend({
      app_info: info,
      save_settings: (args) => settings({ display_name: (args.input as { display_name: string }).display_name }),
      earlier_names: () => names,
      carry_over_contacts: () => {
        names = [];
        return 9;
      },
    });
    const user = userEvent.setup();
    render(SettingsScreen);
    const name = screen.getByTestId('settings-name') as HTMLInputElement;
    await user.clear(name);
    await user.type(name, 'Eva de Vries');
    await user.click(screen.getByTestId('settings-save'));
    const offer = await screen.findByTestId('earlier-names');
    expect(offer.textContent).toContain('10 of your contacts still carry an earlier name of yours: “root”. Put them under “Eva de Vries”');
    await user.click(screen.getByTestId('carry-over'));
    await waitFor(() => expect(screen.getByTestId('settings-status').textContent).toBe('Moved 9 contacts to “Eva de Vries”.'));
    expect(screen.queryByTestId('earlier-names')).toBeNull();
    expect(backend.calls.map((c) => c.cmd)).toContain('carry_over_contacts');
  });

  it('keeps the earlier contacts apart when asked to', async () => {
    const backend = fakeBackend({
      app_info: info,
      save_settings: () => settings({ display_name: 'Eva' }),
      earlier_names: () => [{ name: 'root', contacts: 1 }],
    });
    const user = userEvent.setup();
    render(SettingsScreen);
    await user.click(screen.getByTestId('settings-save'));
    expect((await screen.findByTestId('earlier-names')).textContent).toContain('1 of your contacts still carries an earlier name of yours: “root”.');
    await user.click(screen.getByTestId('keep-apart'));
    expect(screen.queryByTestId('earlier-names')).toBeNull();
    expect(backend.calls.map((c) => c.cmd)).not.toContain('carry_over_contacts');
  });

  it('leaves the team settings to the lead when this desk is in a team as staff', async () => {
    fakeBackend({ app_info: info });
    const member = {
      server: 'https://team.example', team_name: 'Service desk', member_name: 'Anna', role: 'staff',
      waiting: 0, last_synced_at: null, last_error: null, last_error_code: null, pulled_here: 0,
    };
    team.status = member;
    const { unmount } = render(SettingsScreen);
    for (const id of ['settings-target-functional', 'settings-target-emotional', 'settings-retention-months', 'settings-retention-whole', 'settings-pseudonymise']) {
      expect((screen.getByTestId(id) as HTMLInputElement).disabled, id).toBe(true);
    }
    expect(screen.getAllByText('Set by your team lead for Service desk.').length).toBe(2);
    expect((screen.getByTestId('settings-name') as HTMLInputElement).disabled).toBe(false);
    unmount();
    team.status = { ...member, role: 'lead' };
    render(SettingsScreen);
    expect((screen.getByTestId('settings-target-emotional') as HTMLInputElement).disabled).toBe(false);
  });

  it('records the log shortcut from the keys pressed together and saves it with the tray choice', async () => {
    const backend = fakeBackend({
      app_info: info,
      save_settings: (args) => {
        const input = args.input as { log_shortcut: string; close_to_tray: boolean };
        return settings({ log_shortcut: input.log_shortcut, close_to_tray: input.close_to_tray });
      },
    });
    const user = userEvent.setup();
    render(SettingsScreen);
    const field = screen.getByTestId('settings-shortcut') as HTMLInputElement;
    expect(field.value).toBe('Ctrl+Alt+L');
    await user.click(field);
    await user.keyboard('{Control>}{Shift>}k{/Shift}{/Control}');
    expect(field.value).toBe('Ctrl+Shift+K');
    // The key's place, not the character it types with Shift or on another layout.
    await user.keyboard('{Control>}{Shift>}[Digit7]{/Shift}{/Control}');
    expect(field.value).toBe('Ctrl+Shift+7');
    await user.keyboard('{Control>}{Shift>}k{/Shift}{/Control}');
    // Modifiers alone write nothing down, and Tab still leaves the field.
    await user.keyboard('{Alt}');
    expect(field.value).toBe('Ctrl+Shift+K');
    await user.tab();
    expect(document.activeElement).toBe(screen.getByTestId('settings-close-to-tray'));
    await user.keyboard(' ');
    await user.click(screen.getByTestId('settings-save'));
    await waitFor(() => expect(screen.getByTestId('settings-status').textContent).toBe('Settings saved.'));
    const input = backend.calls.find((c) => c.cmd === 'save_settings')!.args.input as Record<string, unknown>;
    expect(input.log_shortcut).toBe('Ctrl+Shift+K');
    expect(input.close_to_tray).toBe(false);
    expect(app.settings?.log_shortcut).toBe('Ctrl+Shift+K');
  });

  it('names a taken shortcut and puts the keyboard on it', async () => {
    fakeBackend({
      app_info: info,
      save_settings: () => {
        throw refusal('log_shortcut', 'taken', 'Ctrl+Alt+L is taken by another program');
      },
    });
    const user = userEvent.setup();
    render(SettingsScreen);
    await user.click(screen.getByTestId('settings-save'));
    expect((await screen.findByRole('alert')).textContent).toBe('Another program already uses this shortcut: choose another.');
    expect(document.activeElement).toBe(screen.getByTestId('settings-shortcut'));
  });

  it('says how to bind the command where the desktop gives no shortcuts, and when a shortcut was taken at start', async () => {
    // Taken or not, a desktop without shortcuts has nothing to warn about but the binding.
    fakeBackend({ app_info: () => ({ ...info(), global_shortcuts: false, shortcut_taken: true }) });
    const { unmount } = render(SettingsScreen);
    await waitFor(() => expect(document.getElementById('settings-log_shortcut-hint')!.textContent).toContain('contactmoment-app --log'));
    expect(screen.queryByTestId('settings-shortcut-taken')).toBeNull();
    unmount();
    fakeBackend({ app_info: () => ({ ...info(), shortcut_taken: true }) });
    render(SettingsScreen);
    expect((await screen.findByTestId('settings-shortcut-taken')).textContent).toBe(
      'Ctrl+Alt+L is taken by another program, so it does nothing now: choose another.',
    );
  });
});
