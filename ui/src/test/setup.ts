import { cleanup, configure } from '@testing-library/svelte';
import { clearMocks } from '@tauri-apps/api/mocks';
import { afterEach } from 'vitest';
import { app } from '../lib/state.svelte';
import { bulk, dismissOutcome } from '../lib/bulk.svelte';

// jsdom lays nothing out and draws nothing: sizes stay 0 and canvases have no context, which
// the components handle (charts are checked through the data they are given).
globalThis.ResizeObserver ??= class {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
};
HTMLCanvasElement.prototype.getContext = () => null;

// The screens behind the log form are loaded when first shown: in a test that is Vite turning
// their source into modules on demand, which takes more than the default second on a busy
// two-core machine.
configure({ asyncUtilTimeout: 5000 });

afterEach(() => {
  cleanup();
  clearMocks();
  // The app's state is a module of its own: left as it is, one test's settings are the next one's.
  app.settings = null;
  app.dataVersion = 0;
  dismissOutcome();
  Object.assign(bulk, { running: false, done: 0, total: 0 });
});
