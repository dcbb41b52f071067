// The export of the review's contacts, which takes seconds on a large journal: it runs in the
// shell while the user goes on, and a line under the top bar shows how far it is on every
// screen, then how it ended.
import { api, type WeeklyQuery } from './ipc';
import { errorText, t } from './i18n/index.svelte';

type Outcome = { text: string; failed: boolean };

export const bulk = $state<{ running: boolean; stopping: boolean; done: number; total: number; outcome: Outcome | null }>({
  running: false,
  stopping: false,
  done: 0,
  total: 0,
  outcome: null,
});

/** How long a finished export's line stays; a failure stays until it is closed. */
export const OUTCOME_SHOWN_MS = 10_000;
let fading: ReturnType<typeof setTimeout> | undefined;

export function dismissOutcome(): void {
  clearTimeout(fading);
  bulk.outcome = null;
}

/** Exports the contacts `query` takes as CSV; one export at a time. */
export async function exportContacts(query: WeeklyQuery, fileName: string, semicolons: boolean): Promise<void> {
  if (bulk.running) return;
  dismissOutcome();
  Object.assign(bulk, { running: true, stopping: false, done: 0, total: 0 });
  let outcome: Outcome;
  try {
    const path = await api.exportContactsCsv(query, fileName, semicolons, (p) => {
      bulk.done = p.done;
      bulk.total = p.total;
    });
    const text = path ? t('bulk.saved', { path }) : bulk.stopping ? t('bulk.stopped') : t('export.cancelled');
    outcome = { text, failed: false };
  } catch (e) {
    outcome = { text: t('bulk.failed', { reason: errorText(e) }), failed: true };
  }
  Object.assign(bulk, { running: false, stopping: false, outcome });
  if (!outcome.failed) fading = setTimeout(dismissOutcome, OUTCOME_SHOWN_MS);
}

/** Asks the export under way to stop; it ends after the page it is writing, without a file. */
export async function stopExport(): Promise<void> {
  if (!bulk.running || bulk.stopping) return;
  bulk.stopping = true;
  await api.stopExport();
}
