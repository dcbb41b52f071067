// App-wide state: the user's settings and a counter that bumps whenever contacts change, so
// every screen showing contacts or figures reloads after a save, edit, delete or undo.
import type { Settings } from './ipc';

export const app = $state<{ settings: Settings | null; dataVersion: number }>({
  settings: null,
  dataVersion: 0,
});

export function dataChanged(): void {
  app.dataVersion += 1;
}
