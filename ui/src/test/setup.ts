import { cleanup } from '@testing-library/svelte';
import { clearMocks } from '@tauri-apps/api/mocks';
import { afterEach } from 'vitest';

// jsdom lays nothing out and draws nothing: sizes stay 0 and canvases have no context, which
// the components handle (charts are checked through the data they are given).
globalThis.ResizeObserver ??= class {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
};
HTMLCanvasElement.prototype.getContext = () => null;

afterEach(() => {
  cleanup();
  clearMocks();
});
