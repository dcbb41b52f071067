// Where team sync stands, read from the Rust side every few seconds (a local read: the
// network work happens in the background there). When changes arrived from the team, every
// screen showing contacts reloads.
import { api, type TeamStatus } from './ipc';
import { dataChanged } from './state.svelte';

export const team = $state<{ status: TeamStatus | null }>({ status: null });

let pulledSeen = -1;

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
export function watchTeam(everyMs = 3000): () => void {
  void refreshTeam();
  const timer = setInterval(() => void refreshTeam(), everyMs);
  return () => clearInterval(timer);
}
