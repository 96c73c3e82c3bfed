import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// The backend during development and `vite preview`; production uses nginx on the same origin.
const apiProxyTarget = process.env.API_PROXY_TARGET ?? 'http://127.0.0.1:8001';
const proxy = {
  '/api': { target: apiProxyTarget, changeOrigin: false },
  '/ws': { target: apiProxyTarget, ws: true },
};

export default defineConfig({
  plugins: [react()],
  server: { host: '127.0.0.1', port: 5173, strictPort: true, proxy },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true, proxy },
  build: {
    outDir: 'dist',
    // The budget script reads the manifest to find what the entry loads up front.
    manifest: true,
    sourcemap: false,
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test/setup.ts'],
    restoreMocks: true,
    // The files of a worker share one jsdom and one module graph: 23-25 CPU-s for the suite
    // instead of 80 (jsdom set up and the modules imported again for each of 40 files).
    // A test that needs a fresh page's state (sessionStorage, performance marks) sets it itself.
    isolate: false,
    // Typing through user-event is slow on a loaded 2-core CI machine; 5 s was not enough there.
    testTimeout: 20_000,
  },
});
