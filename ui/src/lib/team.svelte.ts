// Where team sync stands, read from the Rust side every second (a local read of two small
// tables: the network work happens in the background there). When changes arrived from the team, every
// screen showing contacts reloads.
import { api, type TeamStatus } from './ipc';
import { dataChanged } from './state.svelte';

export const team = $state<{
  status: TeamStatus | null;
  /** The join code a lead made last, kept while the app runs: it is shown only here. */
  madeCode: { name: string; code: string } | null;
}>({ status: null, madeCode: null });

let pulledSeen = -1;

/** The words for why the last sync failed: the server away, this desk refused, or else. */
export function problemKey(status: TeamStatus): 'unreachable' | 'refused' | 'failed' | null {
  if (status.last_error === null) return null;
  if (status.last_error_code === 'unreachable') return 'unreachable';
  if (status.last_error_code === 'not_allowed') return 'refused';
  return 'failed';
}

export async function refreshTeam(): Promise<void> {
  try {
    const status = await api.teamStatus();
    team.status = status;
    const pulled = status?.pulled_here ?? 0;
    if (pulledSeen >= 0 && pulled !== pulledSeen) dataChanged();
    pulledSeen = pulled;
  } catch {
    // The status line is a courtesy: a failed read leaves the last one shown.
  }
}

/** Keeps the status fresh; returns the function that stops it. */
export function watchTeam(everyMs = 1000): () => void {
  void refreshTeam();
  const timer = setInterval(() => void refreshTeam(), everyMs);
  return () => clearInterval(timer);
}
