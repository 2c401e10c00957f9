/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath, URL } from 'node:url';

// The SPA calls the API under /api; both the dev server and `vite preview`
// strip that prefix and forward to the FastAPI backend.
const apiTarget = process.env.COSTWATCH_API_URL ?? 'http://127.0.0.1:8000';

const proxy = {
  '/api': {
    target: apiTarget,
    changeOrigin: true,
    // Tells the API where it is mounted, so Swagger UI works at /api/docs too.
    headers: { 'X-Forwarded-Prefix': '/api' },
    rewrite: (path: string) => path.replace(/^\/api(?=\/|$)/, '') || '/',
  },
};

export default defineConfig({
  plugins: [react()],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  server: {
    host: '0.0.0.0', port: 5173, strictPort: true, proxy,
  },
  preview: {
    host: '0.0.0.0', port: 5173, strictPort: true, proxy,
  },
  build: {
    // Each page is its own chunk (see src/app/router.tsx); Chart.js loads with the dashboard only.
    chunkSizeWarningLimit: 600,
  },
  test: {
    globals: true,
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['./src/testing/setup-tests.ts'],
    css: false,
    restoreMocks: true,
    testTimeout: 15000,
    coverage: {
      provider: 'v8',
      include: ['src/**/*.{ts,tsx}'],
      exclude: [
        'src/**/*.test.{ts,tsx}',
        'src/testing/**',
        'src/api/generated/**',
        'src/main.tsx',
        'src/vite-env.d.ts',
        'src/**/*.d.ts',
      ],
      reporter: ['text-summary', 'text', 'html'],
      thresholds: {
        lines: 90, statements: 90, functions: 90, branches: 85,
      },
    },
  },
});
