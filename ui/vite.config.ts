import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [svelte()],
  // Tauri serves the built files itself; relative paths keep them loadable from its protocol.
  base: './',
  clearScreen: false,
  build: {
    target: 'safari15',
    // Inline assets would need 'unsafe-inline'-style CSP exceptions; keep every asset a file.
    assetsInlineLimit: 0,
  },
  resolve: process.env.VITEST ? { conditions: ['browser'] } : undefined,
  test: {
    environment: 'jsdom',
    globals: true,
    include: ['src/**/*.test.ts'],
    setupFiles: ['src/test/setup.ts'],
  },
});
