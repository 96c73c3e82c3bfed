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
    // Typing through user-event is slow on a loaded 2-core CI machine; 5 s was not enough there.
    testTimeout: 20_000,
  },
});
