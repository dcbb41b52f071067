// The settings as a form sends them back, so one field can change and the rest stay.
import type { Settings, SettingsInput } from './ipc';

export function settingsInput(s: Settings, patch: Partial<SettingsInput> = {}): SettingsInput {
  return {
    display_name: s.display_name,
    language: s.language ?? 'system',
    target_functional: s.target_functional,
    target_emotional: s.target_emotional,
    retention_months: s.retention_months,
    retention_whole_contacts: s.retention_whole_contacts,
    backups_keep: s.backups_keep,
    pseudonymise_customers: s.pseudonymise_customers,
    valued_every: s.valued_every,
    log_shortcut: s.log_shortcut,
    close_to_tray: s.close_to_tray,
    ...patch,
  };
}
