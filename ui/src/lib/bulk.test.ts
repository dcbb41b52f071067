import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mockIPC } from '@tauri-apps/api/mocks';
import { setLanguage } from './i18n/index.svelte';
import { bulk, dismissOutcome, exportContacts, OUTCOME_SHOWN_MS, stopExport } from './bulk.svelte';
import type { WeeklyQuery } from './ipc';

const query = { from: '2026-09-01', to: '2026-11-22' } as WeeklyQuery;

describe('the contacts export', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    setLanguage('nl');
  });
  afterEach(() => {
    dismissOutcome();
    vi.useRealTimers();
    setLanguage('en');
  });

  it('runs one at a time and says where the file went, for a while', async () => {
    let finish: (path: string) => void = () => undefined;
    const asked: unknown[] = [];
    mockIPC((cmd, args) => {
      asked.push(cmd);
      return new Promise((resolve) => (finish = resolve));
    });
    const first = exportContacts(query, 'a.csv', true);
    const second = exportContacts(query, 'b.csv', true);
    await second;
    expect(asked).toEqual(['export_contacts_csv']);
    expect(bulk.running).toBe(true);
    finish('/tmp/a.csv');
    await first;
    expect(bulk).toMatchObject({ running: false, outcome: { text: 'Contacten opgeslagen in /tmp/a.csv', failed: false } });
    vi.advanceTimersByTime(OUTCOME_SHOWN_MS - 1);
    expect(bulk.outcome).not.toBeNull();
    vi.advanceTimersByTime(1);
    expect(bulk.outcome).toBeNull();
  });

  it('keeps a failure on screen until it is closed, and a new export starts afresh', async () => {
    mockIPC(() => {
      throw { code: 'storage', message: '/media/usb/a.csv: No space left on device (os error 28)', field: 'file', kind: null };
    });
    await exportContacts(query, 'a.csv', false);
    expect(bulk.running).toBe(false);
    expect(bulk.outcome?.failed).toBe(true);
    expect(bulk.outcome?.text).toBe(
      'Export mislukt: Het bestand kon niet worden opgeslagen (/media/usb/a.csv: No space left on device (os error 28)). Het journaal is ongewijzigd.',
    );
    vi.advanceTimersByTime(OUTCOME_SHOWN_MS * 10);
    expect(bulk.outcome?.failed).toBe(true);

    mockIPC(() => null);
    await exportContacts(query, 'a.csv', false);
    expect(bulk.outcome).toMatchObject({ text: 'Niet opgeslagen.', failed: false });
  });

  it('stops when asked, once, and says no file was saved', async () => {
    let finish: (path: string | null) => void = () => undefined;
    const asked: string[] = [];
    mockIPC((cmd) => {
      asked.push(cmd);
      if (cmd === 'stop_export') return null;
      return new Promise((resolve) => (finish = resolve));
    });
    const running = exportContacts(query, 'a.csv', false);
    await stopExport();
    await stopExport();
    expect(bulk.stopping).toBe(true);
    expect(asked).toEqual(['export_contacts_csv', 'stop_export']);
    finish(null);
    await running;
    expect(bulk).toMatchObject({ running: false, stopping: false, outcome: { text: 'Export gestopt: er is geen bestand opgeslagen.', failed: false } });
    await stopExport();
    expect(asked).toEqual(['export_contacts_csv', 'stop_export']);
  });
});
