import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));
const api = process.env.DASHBOARD_API_URL ?? 'http://127.0.0.1:3001';

export default defineConfig({
  root,
  plugins: [react()],
  build: { outDir: fileURLToPath(new URL('../../dist/apps/dashboard', import.meta.url)), emptyOutDir: true, chunkSizeWarningLimit: 1500 },
  // `nx serve dashboard`: the SPA on Vite's dev server, the API behind it.
  server: { proxy: { '/api': { target: api, changeOrigin: false } } },
  test: {
    root,
    environment: 'jsdom',
    globals: true,
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test-setup.ts'],
    // Typing into jsdom is slow when the machine is busy (npm test runs suites beside it): allow it.
    testTimeout: 30_000,
  },
});
